"""Delayed evaluation: the window rule and the simulator's read-outs."""
import pytest
import torch
from torch import nn

from spikedet.neurons import IFNeuron, ReadoutDelay
from spikedet.simulation import (SimulationError, readout_delay, simulate,
                                 window_start)


@pytest.mark.parametrize('timestep,delay,start', [
    (32, 10, 10), (14, 10, 10), (13, 10, 9), (4, 10, 0), (3, 10, 0),
    (32, 0, 0)])
def test_window_start(timestep, delay, start):
    assert window_start(timestep, delay) == start


class _Chain(nn.Module):
    def __init__(self, delay: int = 0) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.fc1 = nn.Linear(6, 8)
        self.neuron = IFNeuron(0.3, v_init=0.5)
        self.fc2 = nn.Linear(8, 3)
        self.delay = ReadoutDelay(delay)

    def forward(self, x):
        return self.fc2(self.neuron(self.fc1(x)))


@pytest.mark.parametrize('chunk', [1, 3])
def test_delayed_readout_averages_the_steps_after_the_delay(chunk):
    # Per-step outputs from the undelayed running means; the delayed
    # read-out at T must be the mean of steps (start, T].
    x = torch.randn(5, 6)
    timesteps = list(range(1, 25))
    plain = simulate(_Chain(), x, timesteps, chunk=chunk, evaluation_delay=0)
    sums = {t: r.output * t for t, r in plain.items()}
    sums[0] = torch.zeros_like(sums[1])
    delayed = simulate(_Chain(delay=7), x, [2, 5, 9, 11, 12, 24],
                       chunk=chunk)
    for t, r in delayed.items():
        start = window_start(t, 7)
        expected = (sums[t] - sums[start]) / (t - start)
        torch.testing.assert_close(r.output, expected)
        assert (r.wake_steps, r.total_steps) == (t, t)
    assert readout_delay(_Chain(delay=7)) == 7


def test_delay_argument_overrides_and_is_checked():
    x = torch.randn(2, 6)
    ours = simulate(_Chain(delay=7), x, [16], evaluation_delay=0)[16].output
    plain = simulate(_Chain(), x, [16])[16].output
    assert torch.equal(ours, plain)
    with pytest.raises(SimulationError, match='delay'):
        simulate(_Chain(), x, [4], evaluation_delay=-1)
    with pytest.raises(SimulationError, match='wake-sleep'):
        simulate(_Chain(delay=2), x, [4],
                 dict(type='wake_sleep', margin=2, sleep=2))
