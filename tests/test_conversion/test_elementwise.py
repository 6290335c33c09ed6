"""Networks with element-wise activations no neuron computes (SiLU, GELU,
sigmoid) convert with every method and approach their ANN as T grows."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from spikedet.conversion import convert
from spikedet.conversion.methods import names
from spikedet.neurons import CompensatedOp
from spikedet.simulation import simulate


class SiluNet(nn.Module):
    """A YOLOX-like stem: conv-BN-SiLU, a GELU block with a residual, and
    a sigmoid-gated output."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1),
                                  nn.BatchNorm2d(8), nn.SiLU())
        self.block = nn.Conv2d(8, 8, 3, padding=1)
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        x = self.stem(x)
        x = x + F.gelu(self.block(x))
        return torch.sigmoid(self.head(x))


def _batches(n, seed):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(4, 3, 6, 6, generator=g) for _ in range(n)]


def _model():
    torch.manual_seed(0)
    model = SiluNet()
    model.stem[1].running_var.uniform_(0.5, 2)
    return model.eval()


#: Every method but reset-to-zero IF (its lost residue is a floor T does
#: not lower) and One-Spike (one inference answers, checked below).
CONVERGING = sorted(set(names()) - {'if_reset_zero', 'onespike'})


@pytest.mark.parametrize('method', CONVERGING)
def test_elementwise_network_converts_and_converges(method, readout_errors):
    model = _model()
    snn = convert(model, _batches(2, 1), method=method)
    ops = [m for m in snn.modules() if isinstance(m, CompensatedOp)]
    assert [op.name for op in ops] == ['SiLU', 'GELU', 'sigmoid']
    x = _batches(1, 2)[0]
    error = readout_errors(model, snn, x, [8, 64])
    assert error[64] <= 0.5 * error[8], error


def test_one_spike_network_answers_in_one_inference():
    model = _model()
    snn = convert(model, _batches(2, 1), method='onespike')
    x = _batches(1, 2)[0]
    with torch.no_grad():
        ann = model(x)
    error = float((simulate(snn, x, [1])[1].output - ann).abs().mean())
    assert error < 0.01 * float(ann.abs().mean())


def test_analog_conversion_is_exact_at_every_t():
    """Without spike-driven encoding this network keeps no neuron: the
    rate-exact functions alone reproduce the ANN at every T (the input
    is constant, so every average is the ANN's value)."""
    model = _model()
    snn = convert(model, _batches(1, 1), method='if_channel',
                  spike_driven=False)
    x = _batches(1, 2)[0]
    with torch.no_grad():
        ann = model(x)
    for t, r in simulate(snn, x, [1, 3, 16]).items():
        torch.testing.assert_close(r.output, ann, rtol=1e-4, atol=1e-5)


class Gather(nn.Module):
    """Libra R-CNN's feature gathering: adaptive max-pooling of a level to
    another's size (a module and a functional call)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.pool = nn.AdaptiveMaxPool2d(3)
        self.head = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        x = F.relu(self.conv(x))
        return self.head(self.pool(x) + F.adaptive_max_pool2d(x, 3))


def test_adaptive_max_pooling_is_rate_exact(readout_errors):
    torch.manual_seed(0)
    model = Gather().eval()
    snn = convert(model, _batches(1, 1), method='if_channel',
                  spike_driven=False)
    ops = [m.name for m in snn.modules() if isinstance(m, CompensatedOp)]
    assert ops == ['AdaptiveMaxPool2d', 'adaptive max-pooling']
    x = _batches(1, 2)[0]
    error = readout_errors(model, snn, x, [8, 64])
    assert error[64] <= 0.5 * error[8], error
