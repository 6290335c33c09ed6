"""Chunked simulation (several wake steps per forward call, stacked along
the batch dimension) gives the read-outs and statistics of single steps."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from spikedet.conversion import convert, quantize_activations, resolve
from spikedet.conversion.methods import names
from spikedet.simulation import (PlainSchedule, SimulationError,
                                 WakeSleepSchedule, simulate)
from spikedet.simulation.simulate import _groups
from spikedet.simulation.timestep_statistics import (TimestepStatistics,
                                                     monitored_readouts)

TIMESTEPS = [1, 3, 8]


class Mixed(nn.Module):
    """Convs, ReLU / ReLU6 / LeakyReLU, a max-pool, a residual add (an
    identity site) and a linear read-out."""

    def __init__(self, leaky: bool = True) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.a = nn.Conv2d(3, 8, 3, padding=1)
        self.b = nn.Conv2d(8, 8, 3, padding=1)
        self.c = nn.Conv2d(8, 8, 1)
        self.act = nn.LeakyReLU(0.1) if leaky else nn.ReLU()
        self.fc = nn.Linear(8 * 4 * 4, 4)

    def forward(self, x):
        x = F.relu(self.a(x))
        x = F.max_pool2d(F.relu6(self.b(x)) + x, 2)
        return self.fc(self.act(self.c(x)).flatten(1))


def _data(seed: int, n: int = 4) -> torch.Tensor:
    return torch.randn(n, 3, 8, 8, dtype=torch.float64,
                       generator=torch.Generator().manual_seed(seed))


def _snn(name: str):
    preset = resolve(name)
    casc = preset.method.name == 'cif_wsc'
    model = Mixed(leaky=not casc).double().eval()
    if casc:
        quantize_activations(model, lambda: model(_data(1)), levels=4)
    snn = convert(model, [_data(1), _data(2)], name)
    return snn, preset.schedule


@pytest.mark.parametrize('name', names())
def test_every_method_reads_out_the_same_in_chunks(name):
    snn, schedule = _snn(name)
    x = _data(3)
    single = simulate(snn, x, TIMESTEPS, schedule)
    for chunk in (2, 3):
        chunked = simulate(snn, x, TIMESTEPS, schedule, chunk=chunk)
        for t in TIMESTEPS:
            assert torch.equal(chunked[t].output, single[t].output), (chunk, t)
            assert chunked[t].total_steps == single[t].total_steps
            assert chunked[t].silent_steps == single[t].silent_steps


@pytest.mark.parametrize('name', ['if_channel', 'spiking_yolo', 'cif_wsc'])
def test_statistics_count_every_step_of_a_chunk(name):
    snn, schedule = _snn(name)
    x = _data(4)
    reports = []
    for chunk in (1, 3):
        stats = TimestepStatistics()
        for t, _, snap in monitored_readouts(stats, snn, x, TIMESTEPS,
                                             schedule, chunk):
            stats.add(t, snap)
        reports.append(stats.report()['timesteps'])
    single, chunked = (_flat(r) for r in reports)
    assert chunked.keys() == single.keys()
    for key, value in single.items():
        assert chunked[key] == pytest.approx(value, rel=1e-9), key
    # Not vacuous: the stem is charged per wake step, spikes are counted.
    assert chunked['8/analog_macs'] > chunked['3/analog_macs'] > 0
    assert chunked['8/spikes'] > chunked['3/spikes'] > 0


def _flat(tree, prefix: str = '') -> dict:
    if not isinstance(tree, dict):
        return {prefix[:-1]: tree}
    out = {}
    for key, value in tree.items():
        out.update(_flat(value, f'{prefix}{key}/'))
    return out


def test_a_chunk_never_straddles_a_readout_or_a_sleep_phase():
    def sizes(schedule, wanted, chunk, delay=0):
        steps = schedule.steps(wanted[-1] + delay)
        return [(len(g), g[0][0]) for g in _groups(steps, delay, wanted,
                                                   chunk)]

    assert sizes(PlainSchedule(), (1, 3, 8), 4) == \
        [(1, False), (2, False), (4, False), (1, False)]
    # The latency's steps join the first chunk; wake counts shift.
    assert sizes(PlainSchedule(), (2,), 4, delay=3) == [(4, False),
                                                        (1, False)]
    assert sizes(WakeSleepSchedule(margin=4, sleep=2), (4, 8), 8) == \
        [(4, False), (1, True), (1, True)] * 2


@pytest.mark.parametrize('chunk', [0, -2, 1.5, True])
def test_a_bad_chunk_is_refused(chunk):
    snn, _ = _snn('if')
    with pytest.raises(SimulationError, match='chunk must be a positive'):
        simulate(snn, _data(3), [2], chunk=chunk)
