"""Invariants of algorithms_casc.md §5.1-5.2 and algorithms_others.md §6.1."""
import pytest
import torch

from spikedet.neurons import IFNeuron



def _run(neuron, inputs):
    out = [neuron(x) for x in inputs]
    return torch.stack(out).sum(0) / neuron.theta(inputs[0])


def test_charge_conservation_with_subtraction():
    torch.manual_seed(0)
    neuron = IFNeuron(0.7)
    inputs = [torch.randn(100, dtype=torch.float64) for _ in range(50)]
    count = _run(neuron, inputs)
    assert torch.allclose(sum(inputs), 0.7 * count + neuron.v, atol=1e-9)


@pytest.mark.parametrize('v_init,rule', [(0.0, torch.floor),
                                         (0.5, lambda z: torch.floor(z + .5))])
def test_constant_input_count(v_init, rule):
    a = torch.rand(1000, dtype=torch.float64) * 0.999
    for T in (1, 7, 64):
        neuron = IFNeuron(1.0, v_init=v_init)
        count = _run(neuron, [a] * T)
        assert torch.equal(count, rule(a * T))


def test_saturation_and_silence():
    neuron = IFNeuron(1.0)
    count = _run(neuron, [torch.tensor([1.5, -0.3])] * 10)
    assert count.tolist() == [10, 0]
    assert neuron.v[0].item() == pytest.approx(5.0)


def test_reset_to_zero_never_fires_more():
    torch.manual_seed(1)
    inputs = [torch.rand(500, dtype=torch.float64) * 1.5 for _ in range(40)]
    sub = _run(IFNeuron(1.0, reset='subtract'), inputs)
    zero = _run(IFNeuron(1.0, reset='zero'), inputs)
    assert (zero <= sub).all() and (zero < sub).any()


def test_burst_releases_residual():
    count = _run(IFNeuron(1.0, max_spikes=2), [torch.tensor([1.7])] * 10)
    assert count.item() in (16, 17)
    assert _run(IFNeuron(1.0), [torch.tensor([1.7])] * 10).item() == 10
    assert _run(IFNeuron(1.0, max_spikes=2),
                [torch.tensor([2.5])] * 10).item() == 20


def test_burst_of_one_is_plain_if():
    torch.manual_seed(2)
    inputs = [torch.randn(300) for _ in range(30)]
    a, b = IFNeuron(0.8), IFNeuron(0.8, max_spikes=1)
    for x in inputs:
        assert torch.equal(a(x), b(x))


def test_bad_reset_mode():
    with pytest.raises(ValueError):
        IFNeuron(reset='sideways')
