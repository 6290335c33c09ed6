"""The constant-input cache changes the cost, never the result."""
import torch
import torchvision
from torch import nn

from spikedet.conversion import convert
from spikedet.simulation import simulate
from spikedet.simulation.input_cache import cached_input_layers


def test_cached_simulation_equals_uncached_bit_for_bit():
    model = torchvision.models.resnet18(num_classes=4).eval()
    x = torch.randn(2, 3, 32, 32)
    snn = convert(model, [x], method='if')
    cached = simulate(snn, x, [3, 7])
    calls = []
    hook = snn.conv1.register_forward_hook(lambda m, a, o: calls.append(1))
    # Without the cache: run the same steps by hand with fresh inputs.
    from spikedet.neurons import reset_states
    reset_states(snn)
    acc = 0
    with torch.no_grad():
        for _ in range(7):
            acc = acc + snn(x.clone())  # a new tensor every step: no hits
    hook.remove()
    reset_states(snn)
    assert torch.equal(cached[7].output, acc / 7)
    assert len(calls) == 7


def test_only_input_fed_layers_are_cached_and_forward_is_restored():
    net = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2))
    x = torch.randn(3, 4)
    runs = {0: 0, 2: 0}
    for i in runs:
        net[i].register_forward_pre_hook(
            lambda m, a, i=i: runs.__setitem__(i, runs[i] + 1))
    inner = []
    original = nn.Linear.forward

    def counting(self, inp):
        inner.append(self)
        return original(self, inp)

    nn.Linear.forward = counting
    try:
        with cached_input_layers(net, x):
            outs = [net(x) for _ in range(5)]
        assert all(torch.equal(o, outs[0]) for o in outs)
        assert runs == {0: 5, 2: 5}  # hooks run at every call
        assert inner.count(net[0]) == 1 and inner.count(net[2]) == 5
        x.add_(1.0)  # in place: recomputed
        with cached_input_layers(net, x):
            net(x)
            net(x)
        assert inner.count(net[0]) == 2
    finally:
        nn.Linear.forward = original
    assert 'forward' not in net[0].__dict__
