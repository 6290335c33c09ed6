"""Claim checks decide from measured curves, bounds included."""
import json

import pytest

from spikedet.evaluation.claims import (check_fewer_steps, check_single_spike,
                                        t99)


def _curve(values, ann=0.8, rates=None):
    """A detector-like curve reading out at T = 1, 2, 4, ..."""
    steps = {}
    for i, v in enumerate(values):
        steps[2**i] = {'bbox_mAP_50': v}
        if rates is not None:
            steps[2**i]['firing_rate'] = rates[i]
    return dict(ann={'bbox_mAP_50': ann}, timesteps=steps)


def _json(curve):
    return json.loads(json.dumps(curve))


def test_t99_is_the_first_t_at_99_percent_of_the_ann():
    curve = _curve([0.1, 0.5, 0.79, 0.793, 0.8])
    assert t99(curve) == 8  # 99 % of 0.8 is 0.792; 0.79 is below
    assert t99(_json(curve)) == 8
    assert t99(_curve([0.1, 0.2])) is None


@pytest.mark.parametrize('ours,theirs,factor,verdict', [
    ([0.8], [0.0, 0.0, 0.8], 4, 'met'),            # 1 <= 4 / 4
    ([0.0, 0.8], [0.0, 0.0, 0.8], 4, 'not met'),   # 2 > 1
    ([0.0] * 3, [0.0, 0.8], 1, 'not met'),         # never vs 2
    ([0.8], [0.0] * 3, 4, 'met'),                  # 1 <= (> 4) / 4
    ([0.0, 0.0, 0.8], [0.0] * 3, 4, 'undetermined'),  # 4 vs > 4
    ([0.0] * 3, [0.0] * 3, 1, 'undetermined'),
])
def test_fewer_steps_reasons_with_bounds(ours, theirs, factor, verdict):
    check = check_fewer_steps('claim', _json(_curve(ours)),
                              _json(_curve(theirs)), factor)
    assert check.verdict == verdict


@pytest.mark.parametrize('ours,theirs,factor,verdict,level', [
    ([0.0, 0.76, 0.77], [0.0, 0.0, 0.76], 1, 'met', '95.0 %'),   # 2 < 4
    ([0.0, 0.0, 0.76], [0.0, 0.76, 0.77], 1, 'not met', '95.0 %'),
    ([0.0, 0.0, 0.8], [0.0, 0.6, 0.7], 4, 'not met', '87.5 %'),  # 4 > 4 / 4
    ([0.0, 0.7, 0.7, 0.8], [0.0, 0.0, 0.0, 0.7], 2, 'met', '87.5 %'),  # 2 <= 8 / 2
])
def test_open_bounds_are_decided_at_the_level_both_reach(
        ours, theirs, factor, verdict, level):
    """Where 99 % leaves the claim open, the highest fraction of the ANN
    both curves reach decides it, and the evidence names that level."""
    check = check_fewer_steps('claim', _json(_curve(ours)),
                              _json(_curve(theirs)), factor)
    assert check.verdict == verdict
    assert f'at {level} of the ANN' in check.evidence


def test_curves_near_zero_decide_nothing():
    check = check_fewer_steps('c', _curve([0.0, 0.3]), _curve([0.0, 0.2]))
    assert check.verdict == 'undetermined'
    assert '25.0 % of their ANNs at most' in check.evidence


def test_strictly_fewer_steps():
    same = _curve([0.0, 0.8])
    assert check_fewer_steps('c', same, same).verdict == 'met'
    assert check_fewer_steps('c', same, same, strict=True).verdict == \
        'not met'


def test_single_spike_is_decided_by_accuracy():
    good = _json(_curve([0.797], rates=[0.2]))
    assert check_single_spike('c', good).verdict == 'met'
    assert '99.6 %' in check_single_spike('c', good).evidence
    assert '0.200 spikes per neuron' in check_single_spike('c', good).evidence
    assert check_single_spike('c', _curve([0.78], rates=[0.2])).verdict == \
        'not met'
    # The rate of the functional form cannot exceed one event per neuron,
    # so it does not decide; without statistics the accuracy still does.
    assert check_single_spike('c', _curve([0.8])).verdict == 'met'


def test_analog_rows_read_t99_and_energy_from_json_curves():
    """The spike-driven vs analog table reads curves back from JSON (string
    keys): T99 an integer, E / E_ANN taken at it."""
    from spikedet.evaluation.comparison import analog_rows, t99_and_energy

    def run(values):
        curve = _curve(values)
        for i, t in enumerate(curve['timesteps']):
            curve['timesteps'][t]['energy_ratio'] = 0.1 * (i + 1)
        return dict(curve=_json(curve))

    fast, slow = run([0.1, 0.8, 0.8]), run([0.1, 0.2, 0.8])
    assert t99_and_energy(fast) == (2, pytest.approx(0.2))
    rows = analog_rows('YOLOv3', {'if_channel': fast}, {'if_channel': slow})
    assert rows == ['| YOLOv3 | `if_channel` | 2 | 4 | 0.200 | 0.300 |']
