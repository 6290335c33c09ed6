"""The comparison's markdown sections (spikedet.evaluation.comparison)."""
from spikedet.conversion.methods import resolve
from spikedet.evaluation.comparison import Sections, extension, table_row


def _run(values, ann=0.8):
    timesteps = {str(t): dict(bbox_mAP_50=v, bbox_mAP=v / 2, wake_steps=t,
                              total_steps=t, firing_rate=0.1, sops=1e6,
                              energy_ratio=0.1 * t, energy_sop_ratio=0.05 * t,
                              energy_ratio_total=0.2 * t,
                              energy_ratio_int8=0.3 * t,
                              analog_macs=0.0, ann_macs=1e6, sin_fraction=0.0)
                 for t, v in values.items()}
    return dict(curve=dict(ann=dict(bbox_mAP_50=ann, bbox_mAP=ann / 2),
                           timesteps=timesteps))


def test_sections_collect_rows_analog_rows_and_the_energy_front():
    methods = {k: resolve(k).method for k in ('if_channel', 'onespike')}
    sections = Sections()
    sections.add('Det', {'if_channel': _run({1: 0.1, 4: 0.8}),
                         'onespike': _run({1: 0.7})},
                 {'if_channel': _run({1: 0.0, 4: 0.5})}, methods, (1, 4))
    if_row, one_row = sections.rows
    assert '| 4 |' in if_row  # T99 = 4
    # compute-only, its synaptic part, the whole bill, int8, at T99 = 4
    assert '| 0.400 | 0.196 | 0.800 | 1.200 |' in if_row
    # A single-inference method: only T = 1, 'never', stats at T = 1.
    assert '| - |' in one_row and '| never |' in one_row
    assert len(sections.analog) == 1
    assert '| 4 | - | 0.400 | - |' in sections.analog[0]
    front, ann = sections.panels['Det']
    assert ann == 0.8 and dict(front)['if_channel'] == [(0.1, 0.1),
                                                        (0.4, 0.8)]


def test_a_model_whose_runs_were_all_refused_has_no_panel():
    sections = Sections()
    sections.add('Det', {'if': dict(refused='no checkpoint')}, {}, {}, (1,))
    assert 'refused: no checkpoint' in sections.rows[0]
    assert sections.panels == {}


def test_only_a_curve_short_of_99_percent_is_extended():
    slow, fast = _run({32: 0.5, 64: 0.7}), _run({32: 0.5, 64: 0.795})
    assert extension(slow, (32, 64), 256) == [32, 64, 128, 256]
    assert extension(fast, (32, 64), 256) == []
    assert extension(slow, (32, 64), 64) == []
    assert extension(dict(refused='no checkpoint'), (32, 64), 256) == []
    # The extended columns of a run that stopped at 64 read '-'.
    row = table_row('Det', 'if', fast, (32, 64, 128, 256))
    assert row.count('| - |') == 1 and '@64/64 | - | - |' in row
    # A run left short of 99 % (analog, or --no-extend) reads 'not run'
    # there: nothing is known about it beyond 64.
    row = table_row('Det', 'if', slow, (32, 64, 128, 256))
    assert '@64/64 | not run | not run |' in row and '| > 64 |' in row
