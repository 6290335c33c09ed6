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


def test_reset_to_zero_never_spikes_more_than_subtract():
    import torch

    from spikedet.neurons import SignedIFNeuron
    torch.manual_seed(3)
    magnitude = torch.rand(100, 400, dtype=torch.float64) * 0.7
    sign = torch.where(torch.rand(400) < 0.5, -1.0, 1.0).double()
    inputs = magnitude * sign  # one sign per neuron
    zero = SignedIFNeuron(0.5, alpha=0.1, reset='zero')
    sub = SignedIFNeuron(0.5, alpha=0.1)
    n_zero = sum(zero(x).abs() for x in inputs)
    n_sub = sum(sub(x).abs() for x in inputs)
    # Same-sign input: the zero reset loses charge, never gains spikes.
    assert (n_zero <= n_sub).all() and (n_zero < n_sub).any()
