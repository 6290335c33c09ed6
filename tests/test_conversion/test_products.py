"""Products of two signals convert as two-input analog islands; products
with constants stay linear."""
import torch
import torch.nn.functional as F
from torch import nn

from spikedet.conversion import convert, trace_sites
from spikedet.neurons import CompensatedOp
from spikedet.simulation import simulate


class Gate(nn.Module):
    """RTMDet's channel attention: features times a gate computed from
    them (a submodule's product with a constant is not the gate's)."""

    def __init__(self, channels):
        super().__init__()
        self.fc = nn.Conv2d(channels, channels, 1)
        self.act = nn.Hardsigmoid()

    def forward(self, x):
        gate = self.act(self.fc(F.adaptive_avg_pool2d(x, 1)))
        return x * gate


class Net(nn.Module):
    """conv-ReLU, a gate, a scaled matrix product of two projections (as
    attention's scores) and a quotient by a signal."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.gate = Gate(6)
        self.q = nn.Conv2d(6, 4, 1)
        self.k = nn.Conv2d(6, 4, 1)
        self.out = nn.Conv2d(6, 2, 1)

    def forward(self, x):
        x = self.gate(F.relu(self.conv(x))) * 0.5   # linear: a scalar
        q, k = self.q(x).flatten(2), self.k(x).flatten(2)
        scores = q.transpose(1, 2) @ k / 4.0         # [N, HW, HW]
        mixed = (x.flatten(2) @ scores).view_as(x)   # a second product
        return self.out(mixed) / (1.5 + torch.sigmoid(self.out(x)))


def _batches(n, seed):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(2, 3, 4, 4, generator=g) for _ in range(n)]


def _model():
    torch.manual_seed(0)
    return Net().eval()


def test_only_products_of_signals_are_sites():
    model = _model()
    table = trace_sites(model, lambda: model(_batches(1, 0)[0]))
    found = [(s.owner, s.spec.params['op'], s.spec.params['call'])
             for s in table.sites if s.spec is not None
             and s.spec.kind == 'island']
    # The gate's product (its only one); the root's calls: the scalar
    # product (0), the scores' product (1), their division by a constant
    # (2), the second matrix product (3), the division by a signal (4).
    assert found == [('gate', 'product', 0), ('', 'matmul', 1),
                     ('', 'matmul', 3), ('', 'quotient', 4)]
    assert table.product_calls == {'gate': 1, '': 5}


def test_products_convert_and_converge(readout_errors):
    model = _model()
    snn = convert(model, _batches(2, 1), method='if_channel')
    ops = [m.name for m in snn.modules() if isinstance(m, CompensatedOp)]
    assert ops.count('product') == 1 and ops.count('matmul') == 2
    x = _batches(1, 2)[0]
    error = readout_errors(model, snn, x, [8, 64])
    assert error[64] <= 0.5 * error[8], error


def test_analog_products_are_exact():
    """Without neurons between them (spike_driven=False, and the only
    ReLU's input constant) every product sees the ANN's operands."""
    model = _model()
    snn = convert(model, _batches(1, 1), method='if_channel',
                  spike_driven=False, threshold='max')
    x = _batches(1, 2)[0]
    with torch.no_grad():
        ann = model(x)
    got = simulate(snn, x, [64])[64].output
    assert float((got - ann).abs().max()) < 0.05 * float(ann.abs().max())
