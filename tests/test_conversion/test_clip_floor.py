import pytest
import torch

from spikedet.conversion import ClipFloor, quantize_activations
from spikedet.neurons import ConsistentIFNeuron


def test_values_and_straight_through_gradient():
    q = ClipFloor(8)
    x = torch.linspace(-1, 2, 301, requires_grad=True)
    y = q(x)
    assert set((y * 8).round().tolist()) <= set(range(9))
    assert (y[x < 1 / 8] == 0).all() and (y[x >= 1] == 1).all()
    upstream = torch.linspace(-3, 3, 301)
    (y * upstream).sum().backward()
    inside = (x > 0) & (x < 1)  # clamp's own gradient mask
    expected = torch.where(inside, torch.clamp(upstream, -1, 1),
                           torch.zeros_like(upstream))
    away = ((x.detach().abs() > 1e-6) & ((x.detach() - 1).abs() > 1e-6))
    assert torch.equal(x.grad[away], expected[away])


def test_cif_reproduces_clip_floor_at_t_equal_l():
    z = torch.rand(1000, dtype=torch.float64) * 1.4 - 0.2
    neuron = ConsistentIFNeuron(1.0)
    rate = sum(neuron(z) for _ in range(8)) / 8
    assert torch.equal(rate, ClipFloor(8)(z))


def test_quantize_replaces_every_activation_site():
    import torchvision
    model = torchvision.models.resnet18(num_classes=3)
    x = torch.randn(2, 3, 32, 32)
    quantize_activations(model, lambda: model(x), levels=4)
    quants = [m for m in model.modules() if isinstance(m, ClipFloor)]
    assert len(quants) == 17
    assert not any(isinstance(m, torch.nn.ReLU) for m in model.modules())
    model.train()
    model(x).sum().backward()  # trainable through the STE


def test_top_scales_the_levels_and_is_learnable():
    q = ClipFloor(8, top=2.0, learn_top=True)
    x = torch.linspace(-1, 3, 401)
    y = q(x)
    assert set((y * 4).round().tolist()) <= set(range(9))  # steps of 2/8
    assert (y[x >= 2] == 2).all() and (y[x < 0.25] == 0).all()
    y.sum().backward()
    assert q.top.grad is not None and q.top.grad != 0


def test_shift_rounds_to_the_nearest_level():
    q = ClipFloor(4, shift=0.5)
    x = torch.tensor([0.1, 0.13, 0.3, 0.9, 1.5])
    assert torch.equal(q(x), torch.tensor([0.0, 0.25, 0.25, 1.0, 1.0]))
    with pytest.raises(ValueError):
        ClipFloor(4, shift=1.0)


@pytest.mark.parametrize('top,shift', [(1.0, 0.0), (2.5, 0.0), (2.5, 0.5)])
def test_cif_with_top_threshold_and_shift_start_reproduces_clip_floor(
        top, shift):
    z = torch.rand(1000, dtype=torch.float64) * 1.4 * top - 0.2 * top
    neuron = ConsistentIFNeuron(top, v_init=shift)
    rate = sum(neuron(z) for _ in range(8)) / 8
    ann = ClipFloor(8, top=top, shift=shift).double()(z)
    assert torch.allclose(rate, ann, atol=1e-12)


def test_channel_wise_tops_quantize_each_channel_on_its_own_range():
    q = ClipFloor(4, learn_top=True, shift=0.5, channel_wise=True)
    param = q.top
    q.set_channels(3)
    assert q.top is param and q.top.shape == (3,)  # optimizers keep it
    with torch.no_grad():
        q.top.copy_(torch.tensor([1.0, 2.0, 4.0]))
    x = torch.rand(2, 3, 4, 4) * 5
    out = q(x)
    for c, top in enumerate([1.0, 2.0, 4.0]):
        ref = ClipFloor(4, top=top, shift=0.5)(x[:, c])
        assert torch.equal(out[:, c], ref)
    out.sum().backward()
    assert q.top.grad.shape == (3,) and bool((q.top.grad != 0).all())


def test_set_channels_is_only_for_channel_wise_clip_floors():
    with pytest.raises(ValueError, match='channel-wise'):
        ClipFloor(4).set_channels(3)


def test_without_rounding_only_clips_where_asked_and_restores():
    from spikedet.conversion import without_rounding
    from spikedet.conversion.clip_floor import SignedClipFloor
    # Site 0's levels (multiples of 0.425) are off site 1's grid (0.25).
    net = torch.nn.Sequential(ClipFloor(4, top=1.7), SignedClipFloor(4))
    x = torch.linspace(-3, 3, 61)
    rounded = net(x)
    with without_rounding(net, where='1.') as names:
        assert names == ['1.positive', '1.negative']
        partly = net(x)
    # Site 0 still rounds; site 1 only clips to [-1, 1].
    assert torch.equal(partly, torch.clamp(net[0](x), -1, 1))
    assert not torch.equal(partly, rounded)
    with without_rounding(net) as names:
        assert len(names) == 3
        clipped = net(x)
    torch.testing.assert_close(  # x / top * top: float rounding only
        clipped, torch.clamp(torch.clamp(x, 0, 1.7), -1, 1), atol=1e-6, rtol=0)
    assert not torch.equal(clipped, rounded)
    assert torch.equal(net(x), rounded)  # restored on exit
