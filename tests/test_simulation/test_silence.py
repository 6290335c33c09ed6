"""Skipping the rest of a silent sleep phase changes nothing but the cost."""
import pytest
import torch
from torch import nn

from spikedet.conversion import convert
from spikedet.simulation import (SilenceWatch, WakeSleepSchedule, simulate,
                                 step_span)
from spikedet.simulation.timestep_statistics import (TimestepStatistics,
                                                     monitored_readouts)

SCHEDULE = WakeSleepSchedule(margin=4, sleep=24)


def _net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Conv2d(6, 6, 3, padding=1),
                         nn.ReLU(), nn.Flatten(), nn.Linear(6 * 16, 5)).eval()


def _data(seed: int) -> torch.Tensor:
    return torch.randn(4, 3, 8, 8,
                       generator=torch.Generator().manual_seed(seed))


def _without_skipping(snn: nn.Module) -> None:
    # One module with a "clock" disables skipping for the whole network.
    snn[1].silent_is_fixed_point = False


def _stats(snn, x):
    stats = TimestepStatistics()
    for t, _, snap in monitored_readouts(stats, snn, x, [4, 8, 12], SCHEDULE):
        stats.add(t, snap)
    return stats.report()['timesteps']


def test_skipped_sleep_is_bit_identical_and_counted():
    x = _data(3)
    snn = convert(_net(), [_data(1)], 'cif_wsc')
    fast = simulate(snn, x, [2, 4, 8, 12], SCHEDULE)
    fast_stats = _stats(snn, x)
    _without_skipping(snn)
    slow = simulate(snn, x, [2, 4, 8, 12], SCHEDULE)
    slow_stats = _stats(snn, x)
    # Three sleep phases of 24 steps; a two-layer net settles in a few.
    assert fast[12].silent_steps > 3 * 12 and slow[12].silent_steps == 0
    for t in fast:
        assert torch.equal(fast[t].output, slow[t].output)
        assert (fast[t].wake_steps, fast[t].total_steps) == \
            (slow[t].wake_steps, slow[t].total_steps)
    for t in fast_stats:
        for key in ('spikes', 'sops', 'firing_rate', 'analog_macs'):
            assert fast_stats[t][key] == pytest.approx(slow_stats[t][key])


def test_networks_with_a_clock_are_never_skipped():
    x = _data(3)
    snn = convert(_net(), [_data(1)], 'spicalib')  # silent-time counters
    out = simulate(snn, x, [8], SCHEDULE)
    assert out[8].silent_steps == 0
    bsnn = convert(_net(), [_data(1)], 'bsnn', phase=2)
    assert simulate(bsnn, x, [8], SCHEDULE)[8].silent_steps == 0
    assert step_span(bsnn) == 1


def test_plain_schedules_have_no_sleep_to_skip():
    snn = convert(_net(), [_data(1)], 'cif_wsc')
    assert simulate(snn, _data(3), [16])[16].silent_steps == 0


def test_no_hooks_without_sleep_steps():
    snn = convert(_net(), [_data(1)], 'cif_wsc')
    with SilenceWatch(snn, enabled=False) as watch:
        assert not any(m._forward_hooks for m in snn.modules())
        watch.arm(True)
        assert not watch.silent(torch.zeros(2))
    with SilenceWatch(snn) as watch:
        assert any(m._forward_hooks for m in snn.modules())
