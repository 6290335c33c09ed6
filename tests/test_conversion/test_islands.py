"""Analog islands (normalisations, softmax) convert rate-exactly, are
named in the summary, charged in the statistics, and refused by
spike_driven='strict'."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from spikedet.conversion import (ConversionError, UnsupportedLayerError,
                                 convert, quantize_activations)
from spikedet.conversion.summary import spiking_layers
from spikedet.neurons import CompensatedOp
from spikedet.simulation import SpikeMonitor, simulate


class L2Norm(nn.Module):
    """SSD's L2Norm, by class name (as mmdet's)."""

    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.full((channels,), 2.0))

    def forward(self, x):
        norm = x.pow(2).sum(1, keepdim=True).sqrt() + 1e-6
        return self.weight[None, :, None, None] * x / norm


class GnHead(nn.Module):
    """An FCOS-like head: conv-GN-ReLU, an L2Norm, and a functional
    LayerNorm and softmax over channels."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.gn = nn.GroupNorm(2, 8)
        self.l2 = L2Norm(8)
        self.out = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        x = F.relu(self.gn(self.conv(x)))
        x = self.l2(x)
        x = F.layer_norm(self.out(x), (4, 6, 6))
        return x.softmax(1)


def _batches(n, seed):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(4, 3, 6, 6, generator=g) for _ in range(n)]


def _model():
    torch.manual_seed(0)
    return GnHead().eval()


def test_islands_convert_and_converge(readout_errors):
    model = _model()
    snn = convert(model, _batches(2, 1), method='if_channel')
    ops = [(m.name, m.analog_work) for m in snn.modules()
           if isinstance(m, CompensatedOp)]
    assert ops == [('GroupNorm', 4), ('L2Norm', 3), ('LayerNorm', 4),
                   ('softmax', 3)]
    x = _batches(1, 2)[0]
    error = readout_errors(model, snn, x, [8, 64])
    assert error[64] <= 0.5 * error[8], error


def test_analog_islands_alone_are_exact():
    model = _model()
    snn = convert(model, _batches(1, 1), method='if_channel',
                  spike_driven=False)
    x = _batches(1, 2)[0]
    with torch.no_grad():
        ann = model(x)
    # The ReLU after the GroupNorm is a neuron: only the constant-input
    # part before it is exact at T = 1; check the GroupNorm's own output.
    gn = snn.gn
    gn.reset()
    steps = [gn(snn.conv(x)) for _ in range(5)]
    torch.testing.assert_close(sum(steps) / 5, model.gn(model.conv(x)),
                               rtol=1e-5, atol=1e-5)
    assert float((simulate(snn, x, [256])[256].output - ann).abs().max()) \
        < 0.05


def test_summary_names_islands_and_elementwise_functions():
    snn = convert(_model(), _batches(1, 1), method='if_channel')
    rows = {r['path']: r['type'] for r in spiking_layers(snn)}
    assert rows['gn'] == 'analog island: GroupNorm (4 ops / element / step)'
    assert rows['l2'] == 'analog island: L2Norm (3 ops / element / step)'


def test_islands_are_charged_per_wake_step_and_once_in_the_ann():
    model = _model()
    snn = convert(model, _batches(1, 1), method='if_channel')
    x = _batches(1, 2)[0]
    monitor = SpikeMonitor(snn)
    monitor.probe(lambda: snn(x))
    with monitor:
        simulate(snn, x, [3])
        snap = monitor.snapshot()
    gn_work = 4 * x.shape[0] * 8 * 6 * 6
    assert snap.analog_layers['gn'] == 3 * gn_work
    assert monitor.layer_macs['gn'] == gn_work
    softmax = [n for n in snap.analog_layers if 'spikedet_sites' in n]
    assert len(softmax) == 2  # the functional LayerNorm and softmax


def test_strict_refuses_islands_with_the_remedy():
    with pytest.raises(UnsupportedLayerError) as info:
        convert(_model(), _batches(1, 1), method='if_channel',
                spike_driven='strict')
    message = str(info.value)
    assert message.startswith('gn (GroupNorm) computes on analog values')
    assert "norm_cfg=dict(type='BN')" in message
    with pytest.raises(ConversionError, match='spike_driven must be'):
        convert(_model(), _batches(1, 1), spike_driven='yes')


def test_elementwise_sites_pass_strict():
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.SiLU(), nn.Conv2d(4, 2, 1))
    snn = convert(model.eval(), _batches(1, 1), spike_driven='strict')
    assert isinstance(snn[1], CompensatedOp)


def test_quantization_keeps_islands_and_clips_elementwise():
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.GroupNorm(2, 4), nn.SiLU(),
                          nn.Conv2d(4, 2, 1))
    x = _batches(1, 1)[0]
    quantize_activations(model, lambda: model(x), levels=4)
    assert isinstance(model[1], nn.GroupNorm)
    assert type(model[2]).__name__ == 'ClipFloor'


class _Offsets(nn.Module):
    """An island with a synaptic layer of its own (as a deformable
    convolution's offset convolution)."""

    def __init__(self):
        super().__init__()
        self.offset = nn.Conv2d(4, 4, 1)

    def forward(self, x):
        return x * torch.sigmoid(self.offset(x))


def test_an_islands_own_synapses_are_analog_macs_not_spikes(monkeypatch):
    from spikedet.conversion import islands
    monkeypatch.setitem(islands.ISLAND_MODULES, '_Offsets', 2)
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.ReLU(), _Offsets(),
                          nn.Conv2d(4, 2, 1)).eval()
    snn = convert(model, _batches(1, 1), method='if_channel')
    assert isinstance(snn[2], CompensatedOp)
    x = _batches(1, 2)[0]
    monitor = SpikeMonitor(snn)
    monitor.probe(lambda: snn(x))
    # The ReLU's spikes reach the island, not the island's convolution.
    assert float(monitor.fanout['1'].sum()) == 0
    with monitor:
        simulate(snn, x, [2])
        snap = monitor.snapshot()
    offset_macs = x.shape[0] * 4 * 6 * 6 * 4
    assert snap.analog_layers['2.fn.offset'] == 2 * offset_macs
