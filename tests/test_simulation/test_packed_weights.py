import pytest
import torch
from torch import nn

from spikedet.conversion import convert
from spikedet.simulation import simulate
from spikedet.simulation import packed_weights
from spikedet.simulation.packed_weights import packed_convolutions, packs

pytestmark = pytest.mark.skipif(not torch.backends.mkldnn.is_available(),
                                reason='packed weights are oneDNN\'s')

NHWC = torch.channels_last

# (in, out, kernel, stride, padding, dilation, groups, bias, input H x W):
# 1 x 1 (the case torch's own heuristics treat apart), strided, depthwise,
# dilated, without bias, odd sizes.
CASES = [
    (16, 32, 1, 1, 0, 1, 1, True, (9, 11)),
    (16, 32, 1, 2, 0, 1, 1, False, (9, 11)),
    (8, 24, 3, 2, 1, 1, 1, True, (13, 10)),
    (24, 24, 3, 1, 1, 1, 24, True, (10, 10)),
    (12, 12, 3, 1, 2, 2, 1, True, (11, 7)),
    (3, 16, 7, 2, 3, 1, 1, False, (21, 17)),
    (32, 64, 3, 1, 1, 1, 2, True, (4, 4)),
]


@pytest.mark.parametrize('threads', [1, 2])
@pytest.mark.parametrize('case', CASES)
def test_bit_identical_to_conv2d_and_packed_once(case, threads, monkeypatch):
    cin, cout, k, s, p, d, g, bias, size = case
    torch.manual_seed(0)
    conv = nn.Conv2d(cin, cout, k, s, p, d, g, bias).to(memory_format=NHWC)
    x = (torch.rand(2, cin, *size) > 0.7).float().contiguous(
        memory_format=NHWC)
    packed = []
    reorder = torch._C._nn.mkldnn_reorder_conv2d_weight
    monkeypatch.setattr(torch._C._nn, 'mkldnn_reorder_conv2d_weight',
                        lambda *a: packed.append(a) or reorder(*a))
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with torch.no_grad():
            reference = conv(x)
            with packed_convolutions(conv):
                outputs = [conv(x) for _ in range(3)]
    finally:
        torch.set_num_threads(before)
    assert len(packed) == 1  # packed at the first call, then reused
    for out in outputs:
        assert torch.equal(out, reference)
    assert '_conv_forward' not in conv.__dict__  # the class's again


def test_repacks_for_a_new_shape_or_a_changed_weight():
    conv = nn.Conv2d(4, 8, 3, padding=1).to(memory_format=NHWC)
    small = torch.rand(1, 4, 6, 6).contiguous(memory_format=NHWC)
    large = torch.rand(1, 4, 9, 9).contiguous(memory_format=NHWC)
    with torch.no_grad(), packed_convolutions(conv):
        conv(small)
        assert torch.equal(conv(large), nn.Conv2d.forward(conv, large))
        conv.weight.mul_(2)  # a new version of the weight
        assert torch.equal(conv(large), nn.Conv2d.forward(conv, large))
        conv.bias.zero_()  # the bias is read at every call
        assert torch.equal(conv(large), nn.Conv2d.forward(conv, large))


def test_other_inputs_and_modules_are_left_to_torch(monkeypatch):
    calls = []
    monkeypatch.setattr(packed_weights.torch.ops.mkldnn,
                        '_convolution_pointwise',
                        lambda *a: calls.append(a))
    conv = nn.Conv2d(4, 8, 3, padding=1)
    x = torch.rand(1, 4, 6, 6)
    with torch.no_grad(), packed_convolutions(conv):
        conv(x)  # NCHW
        conv.double()(x.double().contiguous(memory_format=NHWC))
        conv.float()
    with packed_convolutions(conv):  # autograd on
        conv(x.contiguous(memory_format=NHWC))
    assert calls == []
    assert not packs(nn.Conv2d(4, 8, 3, padding='same'))
    assert not packs(nn.Conv2d(4, 8, 3, padding=1, padding_mode='reflect'))
    assert not packs(nn.Conv1d(4, 8, 3))

    class Custom(nn.Conv2d):  # a forward of its own (e.g. weight standard.)
        def forward(self, x):
            return super().forward(x) * 2

    assert not packs(Custom(4, 8, 3))


def test_a_converted_network_simulates_as_without_packing(monkeypatch):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.ReLU(),
                        nn.Conv2d(16, 16, 3, 1, 1, groups=16), nn.ReLU(),
                        nn.Conv2d(16, 32, 1), nn.ReLU(),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                        nn.Linear(32, 5))
    calib = torch.rand(4, 3, 24, 24)
    snn = convert(net, [calib], 'if').to(memory_format=NHWC)
    x = torch.rand(2, 3, 24, 24).contiguous(memory_format=NHWC)
    calls = []
    pointwise = torch.ops.mkldnn._convolution_pointwise
    monkeypatch.setattr(packed_weights.torch.ops.mkldnn,
                        '_convolution_pointwise',
                        lambda *a: calls.append(1) or pointwise(*a))
    packed = simulate(snn, x, [16])[16].output  # packs by default
    # Every step but the first layer's (the input cache computes it once).
    assert len(calls) == 1 + 2 * 16
    monkeypatch.setattr(packed_weights, 'packs', lambda module: False)
    plain = simulate(snn, x, [16])[16].output  # F.conv2d at every step
    assert len(calls) == 1 + 2 * 16
    assert torch.equal(packed, plain)
