"""One-Spike phase coding (algorithms_others.md §6.3)."""
import pytest
import torch
from torch import nn

from spikedet.conversion.depth import spiking_depths
from spikedet.neurons import OneSpikeNeuron
from spikedet.neurons.one_spike_neuron import (midpoint_shift,
                                               single_spike_levels)
from spikedet.neurons.one_spike_windows import simulate_phase_windows


@pytest.mark.parametrize('base', [1.3, 1.7, 2.0])
def test_levels_are_powers_of_the_base_and_monotone(base):
    x = torch.linspace(-0.5, 1.5, 4001, dtype=torch.float64)
    q = single_spike_levels(x, base, 8, midpoint_shift(base))
    allowed = torch.tensor([0.0] + [base ** -k for k in range(8)],
                           dtype=torch.float64)
    assert torch.isin(q, allowed).all()
    assert (q[1:] >= q[:-1]).all()


@pytest.mark.parametrize('base', [1.3, 2.0])
def test_truncation_and_midpoint_error_bounds(base):
    x = torch.rand(20000, dtype=torch.float64)
    truncated = single_spike_levels(x, base, 8, 1.0)
    assert (truncated <= x).all()
    lo = base ** -7
    x = x[x >= lo]
    q = single_spike_levels(x, base, 8, midpoint_shift(base))
    assert ((q - x).abs() / x <= (base - 1) / (base + 1) + 1e-12).all()
    # Half the local gap between the two levels around x.
    k = torch.clamp(torch.ceil(-torch.log(x) / torch.log(
        torch.tensor(base, dtype=torch.float64))), 0, 7)
    upper, lower = base ** -(k - 1).clamp_min(0), base ** -k
    gap = torch.where(k == 0, torch.zeros_like(x), upper - lower)
    inside = x < 1
    assert ((q - x).abs()[inside] <= gap[inside] / 2 + 1e-12).all()


def test_max_pool_commutes_with_the_quantizer():
    x = torch.rand(2, 3, 8, 8, dtype=torch.float64) * 2
    neuron = OneSpikeNeuron(1.0, base=1.6, phases=6)
    pool = nn.MaxPool2d(2)
    assert torch.equal(pool(neuron(x)), neuron(pool(x)))


@pytest.mark.parametrize('alpha', [None, 0.1])
def test_event_driven_windows_equal_the_functional_form(alpha):
    torch.manual_seed(0)
    convs = [nn.Conv2d(3, 6, 3, padding=1), nn.Conv2d(6, 6, 3, padding=1)]
    neurons = [OneSpikeNeuron(torch.rand(6) + 0.5, base=1.5, phases=8,
                              alpha=alpha) for _ in convs]
    readout = nn.Sequential(nn.Flatten(), nn.Linear(6 * 25, 4))
    convs, readout = [c.double() for c in convs], readout.double()
    neurons = [n.double() for n in neurons]
    x = torch.randn(5, 3, 5, 5, dtype=torch.float64)
    functional, coded = x, []
    for conv, neuron in zip(convs, neurons):
        functional = neuron(conv(functional))
        coded.append(int(torch.count_nonzero(functional)))
    functional = readout(functional)
    run = simulate_phase_windows(list(zip(convs, neurons)), readout, x)
    assert torch.allclose(run.output, functional, atol=1e-10)
    # One spike per non-zero coded value and none for a zero one (values
    # below the last phase's threshold are zeros, not spikes) ...
    assert run.spikes == coded
    assert run.neurons == [5 * 6 * 5 * 5] * 2
    assert all(0 < s < n for s, n in zip(run.spikes, run.neurons))
    # ... and the latency the converter assigns from the probed depth of
    # the last neuron, (depth + 1) K, is the windows' own.
    net = nn.Sequential(*[m for pair in zip(convs, neurons) for m in pair])
    depths = spiking_depths(net, lambda: net(x))
    neurons[-1].depth = depths[str(len(net) - 1)]
    assert neurons[-1].step_span() == run.steps == (2 + 1) * 8


def test_statistics_count_one_spike_per_coded_value():
    neuron = OneSpikeNeuron(1.0, base=2.0, phases=4)
    neuron(torch.tensor([0.0, 0.3, 0.9, -1.0]))
    assert not neuron.spike_value_is_count  # one event per coded value
    assert int(torch.count_nonzero(neuron.last_spikes)) == 2
