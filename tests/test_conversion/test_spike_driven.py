"""Spike-driven conversion: a signed neuron at every identity site."""
from typing import Dict, List

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from spikedet.conversion import (METHODS, calibrate_clip_tops, convert,
                                 quantize_activations)
from spikedet.conversion.clip_floor import ClipFloor, SignedClipFloor
from spikedet.conversion.quantize import QuantizedFunction
from spikedet.conversion.ops import SYNAPTIC_MODULES
from spikedet.neurons import BaseNeuron
from spikedet.simulation import SpikeMonitor, simulate


class HandOver(nn.Module):
    """Every analog hand-over of a detector in one small network.

    stem (input layer) -> ReLU -> FPN-like lateral 1x1 -> top-down add ->
    output 3x3 (no activation between them) -> linear bottleneck (expand,
    ReLU6, projection) with a residual add -> next expand conv -> ReLU ->
    "stage 1 output" conv -> a two-stage-like hand-over: average pooling of
    that analog output into fixed "RoIs", flattened, into a linear head.
    """

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.lateral = nn.Conv2d(8, 8, 1)
        self.output = nn.Conv2d(8, 8, 3, padding=1)
        self.expand = nn.Conv2d(8, 16, 1)
        self.project = nn.Conv2d(16, 8, 1)
        self.expand2 = nn.Conv2d(8, 16, 1)
        self.neck_out = nn.Conv2d(16, 8, 1)
        self.fc = nn.Linear(8 * 2 * 2, 6)

    def forward(self, x):
        x = F.relu(self.stem(x))
        lat = self.lateral(x)
        top_down = F.interpolate(F.avg_pool2d(lat, 2), scale_factor=2.0)
        out = self.output(lat + top_down)
        y = self.project(F.relu6(self.expand(out))) + out
        z = self.neck_out(F.relu(self.expand2(y)))
        rois = F.adaptive_avg_pool2d(z, 2).flatten(1)
        return self.fc(rois)


def _data(seed: int = 0) -> List[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(4, 3, 8, 8, generator=g) for _ in range(3)]


def _model() -> nn.Module:
    torch.manual_seed(0)
    return HandOver().eval()


def _analog_inputs(snn: nn.Module, x: torch.Tensor,
                   steps: int) -> Dict[str, int]:
    """Per synaptic layer, the steps at which its input was not exactly the
    spikes of a neuron (output of a neuron, integer multiples of its
    positive / negative thresholds)."""
    emitted: Dict[int, BaseNeuron] = {}
    bad: Dict[str, int] = {}

    def neuron_hook(module, args, out):
        emitted[id(out)] = module

    def synapse_hook(name):
        def hook(module, args, out):
            x = args[0]
            neuron = emitted.get(id(x))
            ok = neuron is not None
            if ok:
                pos, neg = neuron.theta(x), neuron.theta_neg(x)
                units = torch.where(x > 0, x / pos, x / neg)
                ok = bool((units - units.round()).abs().max() < 1e-4)
            if not ok:
                bad[name] = bad.get(name, 0) + 1
        return hook

    handles = [m.register_forward_hook(neuron_hook)
               for m in snn.modules() if isinstance(m, BaseNeuron)]
    handles += [m.register_forward_hook(synapse_hook(n))
                for n, m in snn.named_modules()
                if isinstance(m, SYNAPTIC_MODULES)]
    try:
        simulate(snn, x, [steps])
    finally:
        for h in handles:
            h.remove()
    return bad


def test_every_layer_but_the_input_layer_receives_spikes():
    data = _data()
    snn = convert(_model(), data, 'if', channel_wise=True)
    bad = _analog_inputs(snn, data[0], 6)
    assert bad == {'stem': 6}


def test_without_spike_driven_the_hand_overs_stay_analog():
    data = _data()
    snn = convert(_model(), data, 'if', spike_driven=False)
    bad = _analog_inputs(snn, data[0], 3)
    assert set(bad) == {'stem', 'output', 'expand', 'expand2', 'fc'}


def test_statistics_charge_analog_macs_to_the_input_layer_only():
    data = _data()
    x = data[0]
    for spike_driven, analog in ((True, {'stem'}),
                                 (False, {'stem', 'output', 'expand',
                                          'expand2', 'fc'})):
        snn = convert(_model(), data, 'if', spike_driven=spike_driven)
        monitor = SpikeMonitor(snn)
        monitor.probe(lambda: snn(x))
        with monitor:
            simulate(snn, x, [4])
            snap = monitor.snapshot()
        assert set(monitor.analog) == analog
        assert set(snap.analog_layers) == analog
        stem_macs = 4 * 8 * 8 * 8 * 27  # batch x outputs x weights each
        assert snap.analog_layers['stem'] == 4 * stem_macs
        assert snap.analog_macs == pytest.approx(
            sum(snap.analog_layers.values()))


def test_identity_sites_get_signed_thresholds_per_sign():
    data = _data()
    snn = convert(_model(), data, 'if', channel_wise=True)
    neuron = snn.output.spikedet_input.sites[0]
    assert neuron.ann_activation.kind == 'identity'
    # Channel-wise 99.9th percentile of each sign of the output conv's
    # input (lateral + top-down), recomputed here.
    model = _model()
    values = []
    model.output.register_forward_hook(
        lambda m, a, o: values.append(a[0].detach()))
    for batch in data:
        model(batch)
    v = torch.cat(values).transpose(0, 1).reshape(8, -1)
    for side, got in ((v, neuron.threshold), (-v, neuron.neg_threshold)):
        want = torch.nanquantile(side.masked_fill(side <= 0, float('nan')),
                                 0.999, dim=1)
        assert torch.allclose(got, want, rtol=1e-4)


@pytest.mark.parametrize('method', sorted(set(METHODS) - {'cif_wsc'}))
def test_every_method_supplies_a_signed_identity_neuron(method):
    data = _data()
    model = _model()
    snn = convert(model, data, method, channel_wise=True)
    sites = [m for n, m in snn.named_modules()
             if '.spikedet_input.sites.' in n and isinstance(m, BaseNeuron)]
    assert len(sites) == 4  # output, expand, expand2, fc
    assert all(m.neg_threshold is not None for m in sites)
    x = data[0]
    ref = model(x)
    # One-Spike: one read-out step is one whole inference.
    short, long = (1, 64) if method != 'onespike' else (1, 1)
    out = simulate(snn, x, [short, long])
    err = [float((out[t].output - ref).abs().mean() / ref.abs().mean())
           for t in (short, long)]
    assert err[1] < 0.2, err
    if method != 'onespike':
        assert err[1] < err[0] / 3, err


class Bottleneck(nn.Module):
    """Stem, expand -> ReLU -> projection (linear) + residual -> head."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.expand = nn.Conv2d(8, 16, 1)
        self.project = nn.Conv2d(16, 8, 1)
        self.head = nn.Conv2d(8, 5, 1)

    def forward(self, x):
        x = self.stem(x)  # no activation: the block reads an analog value
        y = self.project(F.relu(self.expand(x))) + x
        return self.head(y)


class MLP(nn.Module):

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(12, 24)
        self.fc2 = nn.Linear(24, 16)
        self.fc3 = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc3(self.fc2(F.relu(self.fc1(x))))


@pytest.mark.parametrize('channel_wise', [False, True])
@pytest.mark.parametrize('levels,shift', [(4, 0.5), (8, 0.0)])
@pytest.mark.parametrize('kind', ['mlp', 'bottleneck'])
def test_casc_with_identity_sites_equals_its_quantized_ann_at_t_l(
        kind, levels, shift, channel_wise):
    torch.manual_seed(0)
    if kind == 'mlp':
        model = MLP().eval()
        data = [torch.randn(16, 12) for _ in range(2)]
    else:
        model = Bottleneck().eval()
        data = [torch.randn(4, 3, 6, 6) for _ in range(2)]
    quantize_activations(model, lambda: model(data[0]), levels,
                         learn_top=True, shift=shift,
                         channel_wise=channel_wise)
    signed = [m for m in model.modules() if isinstance(m, SignedClipFloor)]
    assert len(signed) == (1 if kind == 'mlp' else 2)
    tops = calibrate_clip_tops(model, data, lambda m, b: m(b))
    if channel_wise:  # a top per channel, and they differ
        assert all(t.dim() == 1 and t.numel() > 1 and t.std() > 0
                   for t in tops.values())
    _assert_casc_equals_calibrated_ann(model, data, levels)


def _assert_casc_equals_its_quantized_ann(model, data, levels):
    """Calibrate the quantized ``model``'s tops, convert it with CASC and
    compare at T = L after a sleep phase."""
    calibrate_clip_tops(model, data, lambda m, b: m(b))
    _assert_casc_equals_calibrated_ann(model, data, levels)


def _assert_casc_equals_calibrated_ann(model, data, levels):
    """Convert the calibrated quantized ``model`` with CASC and compare at
    T = L after a sleep phase."""
    with torch.no_grad():
        ref = model(data[0])
    snn = convert(model, data, 'cif_wsc')
    schedule = dict(type='wake_sleep', margin=levels, sleep=64)
    out = simulate(snn, data[0], [levels], schedule)[levels].output
    assert torch.allclose(out, ref, atol=1e-5)


class SiluBlock(nn.Module):
    """A CSP-like block of SiLU convolutions with a residual add."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.conv = nn.Conv2d(8, 8, 3, padding=1)
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        x = F.silu(self.stem(x))
        return self.head(F.silu(self.conv(x)) + x)


def test_casc_of_a_silu_network_spikes_where_the_silus_were():
    """QuantizedModel's path for SiLU networks: every SiLU becomes a
    clip-floor, so the layers reading one (or a sum of them) receive
    spikes and get no signed site; the CASC SNN equals the quantized ANN
    at T = L."""
    torch.manual_seed(0)
    model = SiluBlock().eval()
    data = [torch.randn(4, 3, 6, 6) for _ in range(2)]
    quantize_activations(model, lambda: model(data[0]), 4, learn_top=True,
                         shift=0.5)
    assert not any(hasattr(m, 'spikedet_input')
                   for m in (model.conv, model.head))
    _assert_casc_equals_its_quantized_ann(model, data, levels=4)


class GatedBlock(nn.Module):
    """RTMDet's channel attention: a SiLU conv's output times a gate from
    its global average (a product of two signals: an analog island)."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.fc = nn.Conv2d(8, 8, 1)
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        x = F.silu(self.stem(x))
        gate = F.hardsigmoid(self.fc(F.adaptive_avg_pool2d(x, 1)))
        return self.head(x * gate)


def test_casc_keeps_a_quantized_island_exact():
    """The quantized ANN keeps the product in its ANN form; converting
    that ANN makes it the island again (rate-exact), not a product of each
    step's spikes: the CASC SNN equals the quantized ANN at T = L."""
    torch.manual_seed(0)
    model = GatedBlock().eval()
    data = [torch.randn(4, 3, 6, 6) for _ in range(2)]
    quantize_activations(model, lambda: model(data[0]), 4, learn_top=True,
                         shift=0.5)
    _assert_casc_equals_its_quantized_ann(model, data, levels=4)


@pytest.mark.parametrize('signed_functions', [True, False])
@pytest.mark.parametrize('block', [SiluBlock, GatedBlock])
def test_casc_keeping_the_functions_equals_its_quantized_ann(
        block, signed_functions):
    """``keep_functions``: every SiLU becomes ``clip(silu(x))`` (a signed
    clip-floor: SiLU dips below 0; an unsigned one without
    ``signed_functions``), the hard sigmoid ``clip(hsig(x))`` (an unsigned
    one); the CASC SNN computes each function on its input rate and equals
    the quantized ANN at T = L."""
    torch.manual_seed(0)
    model = block().eval()
    data = [torch.randn(4, 3, 6, 6) for _ in range(2)]
    quantize_activations(model, lambda: model(data[0]), 4, learn_top=True,
                         shift=0.5, keep_functions=True,
                         signed_functions=signed_functions)
    kept = [m for m in model.modules() if isinstance(m, QuantizedFunction)]
    assert len(kept) == 2
    signed = [isinstance(m.clip, SignedClipFloor) for m in kept]
    silu_signed = [signed_functions] * (2 if block is SiluBlock else 1)
    assert signed == (silu_signed if block is SiluBlock
                      else silu_signed + [False])
    calibrate_clip_tops(model, data, lambda m, b: m(b))
    with torch.no_grad():  # the SiLU's tail is kept or dropped
        tail = kept[0](torch.full((1, 8, 1, 1), -1.0))
    assert bool((tail < 0).all()) == signed_functions
    _assert_casc_equals_its_quantized_ann(model, data, levels=4)


class PooledBlock(nn.Module):
    """A SiLU conv gathered by an adaptive max-pool (Libra R-CNN's kind)."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        return self.head(F.adaptive_max_pool2d(F.silu(self.stem(x)), 3))


@pytest.mark.parametrize('keep_functions', [False, True])
def test_a_quantized_adaptive_max_pool_stays_a_pool(keep_functions):
    """The pool's site keeps the pool; the SiLU before it is quantized,
    the conv after it reads a signed site (conversion gives it a signed
    neuron after the rate-exact pool), and CASC stays exact."""
    torch.manual_seed(0)
    model = PooledBlock().eval()
    data = [torch.randn(4, 3, 6, 6) for _ in range(2)]
    quantize_activations(model, lambda: model(data[0]), 4, learn_top=True,
                         shift=0.5, keep_functions=keep_functions)
    calibrate_clip_tops(model, data, lambda m, b: m(b))
    with torch.no_grad():
        stem = model.stem(data[0])
        site, _ = model.spikedet_sites.sites
        assert isinstance(site, QuantizedFunction if keep_functions
                          else ClipFloor)
        pooled = F.adaptive_max_pool2d(site(stem), 3)
        expect = model.head(model.head.spikedet_input(pooled))
        assert torch.allclose(model(data[0]), expect, atol=1e-6)
    _assert_casc_equals_its_quantized_ann(model, data, levels=4)
