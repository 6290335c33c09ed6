import pytest
import torch
from torch import nn

from spikedet.conversion import find_conv_bn_pairs, fold_batchnorm


def _randomise_bn(model):
    g = torch.Generator().manual_seed(0)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g))
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + .5)
            m.weight.data.copy_(torch.randn(m.num_features, generator=g))
            m.bias.data.copy_(torch.randn(m.num_features, generator=g))


class Block(nn.Module):
    """torchvision style: conv1 / bn1 attributes, one shared ReLU."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=4)
        self.bn2 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + out)


def test_fold_matches_eval_bn_including_grouped():
    model = nn.Sequential(Block(), nn.Conv2d(8, 8, 3, groups=8),
                          nn.BatchNorm2d(8)).eval()
    _randomise_bn(model)
    x = torch.randn(2, 4, 9, 9)
    with torch.no_grad():
        before = model(x)
    folded = fold_batchnorm(model, lambda: model(x))
    assert folded == 3
    assert not any(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    with torch.no_grad():
        assert torch.allclose(model(x), before, atol=1e-5)


@pytest.mark.needs_mm
def test_mmcv_conv_module():
    from mmcv.cnn import ConvModule
    model = nn.Sequential(
        ConvModule(3, 6, 3, norm_cfg=dict(type='BN'), act_cfg=None),
        ConvModule(6, 6, 1, norm_cfg=dict(type='BN'))).eval()
    _randomise_bn(model)
    x = torch.randn(1, 3, 8, 8)
    pairs = find_conv_bn_pairs(model, lambda: model(x))
    assert pairs == [('0.conv', '0.bn'), ('1.conv', '1.bn')]
    with torch.no_grad():
        before = model(x)
    fold_batchnorm(model, lambda: model(x))
    with torch.no_grad():
        assert torch.allclose(model(x), before, atol=1e-5)


def test_bn_after_a_non_producer_is_left_alone():
    model = nn.Sequential(nn.Conv2d(3, 3, 1), nn.ReLU(),
                          nn.BatchNorm2d(3)).eval()
    x = torch.randn(1, 3, 4, 4)
    assert find_conv_bn_pairs(model, lambda: model(x)) == []


class SharedOutput(nn.Module):
    """A convolution whose output feeds its norm and a shortcut too:
    folding the norm into it would change what the shortcut adds."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.tail = nn.Conv2d(4, 4, 1)
        self.tail_bn = nn.BatchNorm2d(4)

    def forward(self, x):
        y = self.conv(x)
        _ = y.shape, y.size(1)  # reading its shape reads no value
        return self.tail_bn(self.tail(self.bn(y) + y))


def test_a_producer_read_elsewhere_too_keeps_its_norm():
    model = SharedOutput().eval()
    _randomise_bn(model)
    x = torch.randn(2, 4, 5, 5)
    with torch.no_grad():
        before = model(x)
    assert find_conv_bn_pairs(model, lambda: model(x)) == [('tail',
                                                            'tail_bn')]
    assert fold_batchnorm(model, lambda: model(x)) == 1
    assert isinstance(model.bn, nn.BatchNorm2d)
    with torch.no_grad():
        assert torch.allclose(model(x), before, atol=1e-5)
