"""Invariants of TerMapping / AugMapping (algorithms_others.md §6.4)."""
import pytest
import torch

from spikedet.neurons import DoubleThresholdNeuron, SignedIFNeuron


def _train(neuron, inputs):
    return torch.stack([neuron(x) for x in inputs])


@pytest.mark.parametrize('c_max', [1, 3, None])
def test_bookkeeping_count_times_theta_plus_v_is_the_summed_input(c_max):
    torch.manual_seed(0)
    theta = 0.75  # exact in the float32 threshold buffer
    neuron = DoubleThresholdNeuron(theta, c_max=c_max)
    inputs = torch.randn(200, 500, dtype=torch.float64) * 0.8
    total = torch.zeros(500, dtype=torch.float64)
    for x in inputs:
        neuron(x)
        total += x
        assert torch.allclose(neuron.count * theta + neuron.v, total,
                              atol=1e-9)
        assert (neuron.count >= 0).all()


def test_mirror_ungated_and_silence_gated():
    c = torch.tensor([0.37, 1.2, 2.9], dtype=torch.float64)
    pos = _train(DoubleThresholdNeuron(1.0, gate=False), [c] * 30)
    neg = _train(DoubleThresholdNeuron(1.0, gate=False), [-c] * 30)
    assert torch.equal(neg, -pos)
    gated = _train(DoubleThresholdNeuron(1.0), [-c] * 30)
    assert (gated == 0).all()


def test_negative_spikes_cancel_earlier_positive_ones():
    theta = 1.0
    neuron = DoubleThresholdNeuron(theta)
    inputs = [torch.tensor([0.9 * theta])] * 10 + \
        [torch.tensor([-0.9 * theta])] * 10 + [torch.zeros(1)] * 10
    spikes = _train(neuron, inputs)
    assert spikes[:10].sum() > 0 and (spikes[10:20] < 0).any()
    assert float(neuron.count) == 0 and float(spikes.sum()) == 0


def test_settled_count_tracks_relu_of_the_summed_input():
    torch.manual_seed(1)
    theta = 0.5
    neuron = DoubleThresholdNeuron(theta)
    inputs = torch.randn(20, 1000, dtype=torch.float64)
    for x in inputs:
        neuron(x)
    for _ in range(200):  # settle: zero input until no spike would follow
        neuron(torch.zeros(1000, dtype=torch.float64))
    total = inputs.sum(0)
    err = (neuron.count * theta - total.clamp_min(0)).abs()
    assert (err < theta).all()


@pytest.mark.parametrize('c_max', [1, 2, 5, None])
def test_augmented_coefficient_from_rest(c_max):
    v = torch.tensor([0.5, 1.0, 2.4, 3.99, 7.3], dtype=torch.float64)
    neuron = DoubleThresholdNeuron(1.0, c_max=c_max)
    c = neuron(v)
    cap = float('inf') if c_max is None else c_max
    assert torch.equal(c, torch.clamp(torch.floor(v), max=cap))
    assert torch.allclose(neuron.v, v - c)
    if c_max is None:
        assert ((neuron.v >= 0) & (neuron.v < 1)).all()


def test_ungated_imbalanced_ternary_neuron_is_spiking_yolos_ibt():
    torch.manual_seed(2)
    inputs = torch.randn(50, 300, dtype=torch.float64) * 0.4
    ter = _train(DoubleThresholdNeuron(0.8, gate=False, alpha=0.1), inputs)
    ibt = _train(SignedIFNeuron(0.8, alpha=0.1), inputs)
    assert torch.equal(ter, ibt)


def test_augmented_spikes_count_coefficients_and_events():
    neuron = DoubleThresholdNeuron(1.0, c_max=None)
    neuron(torch.tensor([3.5, 0.2, 1.0]))
    spikes = neuron.last_spikes
    assert neuron.spike_value_is_count
    assert float(spikes.abs().sum()) == 4 and int(torch.count_nonzero(spikes)) == 2


def test_bad_arguments():
    with pytest.raises(ValueError):
        DoubleThresholdNeuron(1.0, c_max=0)
    with pytest.raises(ValueError):
        DoubleThresholdNeuron(1.0, gate=True, alpha=0.1)
