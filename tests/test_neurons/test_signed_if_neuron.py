"""Spiking-YOLO's IBT neuron (algorithms_others.md §6.5 invariants 1-2)."""
import torch

from spikedet.neurons import SignedIFNeuron


def _rate(neuron, x, T):
    return sum(neuron(x) for _ in range(T)) / T


def test_rates_follow_leaky_relu():
    x = torch.linspace(-9.9, 1.0, 221, dtype=torch.float64)
    T = 200
    rate = _rate(SignedIFNeuron(1.0, alpha=0.1), x, T)
    target = torch.where(x >= 0, x, 0.1 * x)
    assert (rate - target).abs().max() <= 1 / T + 1e-12


def test_symmetric_when_alpha_is_one():
    x = torch.rand(100, dtype=torch.float64)
    pos = _rate(SignedIFNeuron(1.0, alpha=1.0), x, 50)
    neg = _rate(SignedIFNeuron(1.0, alpha=1.0), -x, 50)
    assert torch.equal(pos, -neg)
