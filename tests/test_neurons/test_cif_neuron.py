"""Invariants of CASC's consistent IF neuron (algorithms_casc.md §5.3)."""
import torch

from spikedet.neurons import ConsistentIFNeuron


def _wake_then_sleep(neuron, wake_inputs, sleep_steps):
    for x in wake_inputs:
        neuron(x)
        assert (neuron.count >= 0).all()
        assert (neuron.count <= neuron.wake_steps).all()
    neuron.sleep = True
    zeros = torch.zeros_like(wake_inputs[0])
    for _ in range(sleep_steps):
        neuron(zeros)
        assert (neuron.count >= 0).all()
        assert (neuron.count <= neuron.wake_steps).all()
    neuron.sleep = False
    return neuron.count


def test_count_settles_to_clip_floor_for_uneven_inputs():
    g = torch.Generator().manual_seed(0)
    for T in (1, 3, 8, 16):
        # 2000 neurons, uneven and unevenly ordered inputs of both signs.
        inputs = [torch.randn(2000, generator=g, dtype=torch.float64) * 1.5
                  + 0.3 for _ in range(T)]
        total = torch.stack(inputs).sum(0)
        theta = 0.9
        neuron = ConsistentIFNeuron(theta)
        count = _wake_then_sleep(neuron, inputs, sleep_steps=T + 2)
        expected = torch.clamp(torch.floor(total / theta), 0, T)
        assert torch.equal(count, expected)
        assert neuron.wake_steps == T
        inside = (expected > 0) & (expected < T)
        v = neuron.v[inside]
        assert (v >= -1e-9).all() and (v < theta).all()


def test_order_independence_where_if_fails():
    a = [torch.tensor([2.0])] + [torch.tensor([-1.0])] * 2 + \
        [torch.tensor([0.0])] * 3
    b = list(reversed(a))
    counts = [_wake_then_sleep(ConsistentIFNeuron(1.0), seq, 8).item()
              for seq in (a, b)]
    assert counts == [0.0, 0.0]
    from spikedet.neurons import IFNeuron
    plain = []
    for seq in (a, b):
        neuron = IFNeuron(1.0)
        plain.append(sum(neuron(x) for x in seq).item())
    assert plain[0] != plain[1]


def test_charge_conservation():
    g = torch.Generator().manual_seed(1)
    neuron = ConsistentIFNeuron(0.5)
    inputs = [torch.randn(300, generator=g, dtype=torch.float64)
              for _ in range(6)]
    total_out = sum(neuron(x) for x in inputs)
    neuron.sleep = True
    zeros = torch.zeros(300, dtype=torch.float64)
    total_out = total_out + sum(neuron(zeros) for _ in range(10))
    assert torch.allclose(sum(inputs), total_out + neuron.v, atol=1e-9)


def test_sleep_never_advances_wake_steps_nor_exceeds_count():
    neuron = ConsistentIFNeuron(1.0)
    neuron(torch.tensor([5.0]))
    neuron.sleep = True
    for _ in range(5):
        out = neuron(torch.tensor([0.0]))
        assert out.item() == 0.0  # S == t already: no positive spike
    assert neuron.wake_steps == 1 and neuron.count.item() == 1


def test_multi_spike_clamp_respects_bounds():
    g = torch.Generator().manual_seed(3)
    inputs = [torch.randn(500, generator=g, dtype=torch.float64) * 4
              for _ in range(8)]
    neuron = ConsistentIFNeuron(1.0, max_spikes=3)
    count = _wake_then_sleep(neuron, inputs, sleep_steps=8)
    total = torch.stack(inputs).sum(0)
    assert torch.equal(count, torch.clamp(torch.floor(total), 0, 8))
