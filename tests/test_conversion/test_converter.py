import pytest
import torch
import torch.nn.functional as F
from torch import nn

from spikedet.conversion import (ConversionError, convert,
                                 quantize_activations)
from spikedet.neurons import (BaseNeuron, ConsistentIFNeuron, IFNeuron,
                              SpikingMaxPool2d)
from spikedet.simulation import simulate


def _batches(shape, n=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(*shape, generator=g) for _ in range(n)]


@pytest.mark.parametrize('name,size', [('resnet18', 32), ('vgg11', 32)])
def test_torchvision_models_convert_and_simulate(name, size):
    import torchvision
    model = getattr(torchvision.models, name)(num_classes=10).eval()
    relus = [n for n, m in model.named_modules() if isinstance(m, nn.ReLU)]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    batches = _batches((2, 3, size, size))
    snn = convert(model, batches, method='if')
    neurons = [m for m in snn.modules() if isinstance(m, BaseNeuron)]
    assert len(neurons) == (17 if name == 'resnet18' else 10)
    assert any(isinstance(m, SpikingMaxPool2d) for m in snn.modules())
    assert not any(isinstance(m, nn.ReLU) for m in snn.modules())
    out = simulate(snn, batches[0], [1, 4])
    assert out[4].output.shape == (2, 10)
    # The ANN is untouched: its activations and (unfolded) weights.
    assert relus and relus == [n for n, m in model.named_modules()
                               if isinstance(m, nn.ReLU)]
    assert all(torch.equal(v, state[k])
               for k, v in model.state_dict().items())


class SmallCNN(nn.Module):

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1)
        self.fc = nn.Linear(8 * 4 * 4, 5)

    def forward(self, x):
        x = F.relu(self.bn(self.c1(x)))
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.fc(torch.flatten(x, 1))


def test_error_shrinks_with_t_and_ends_below_two_percent():
    torch.manual_seed(0)
    model = SmallCNN().eval()
    calib = _batches((16, 3, 8, 8), n=2, seed=1)
    snn = convert(model, calib, method='if', threshold='max')
    x = _batches((16, 3, 8, 8), n=1, seed=2)[0]
    with torch.no_grad():
        ann = model(x)
    span = float(ann.max() - ann.min())
    out = simulate(snn, x, [4, 16, 64, 256])
    errors = {T: float((r.output - ann).abs().max()) / span
              for T, r in out.items()}
    assert errors[4] > errors[16] > errors[64] > errors[256]
    assert errors[256] < 0.02


def test_cif_wake_sleep_reproduces_quantized_mlp_exactly():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 16),
                          nn.ReLU(), nn.Linear(16, 16), nn.ReLU(),
                          nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, 0, 0.6)
            nn.init.normal_(layer.bias, 0.2, 0.3)
    x = torch.randn(64, 6, dtype=torch.float64)
    model = model.double()
    quantize_activations(model, lambda: model(x), levels=8)
    with torch.no_grad():
        ann = model(x)
    snn = convert(model, [x], method='cif_wsc')
    assert all(isinstance(m, ConsistentIFNeuron) for m in snn.modules()
               if isinstance(m, BaseNeuron))
    exact = simulate(snn, x, [8], dict(type='wake_sleep', margin=8,
                                       sleep=40))[8]
    assert (exact.wake_steps, exact.total_steps) == (8, 48)
    assert torch.allclose(exact.output, ann, atol=1e-5)
    no_sleep = simulate(snn, x, [8], dict(type='plain'))[8]
    assert (no_sleep.output - ann).abs().max() > 1e-3


def test_methods_map_sites():
    class Mixed(nn.Module):

        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(3, 4, 1)
            self.act = nn.LeakyReLU(0.1)
            self.b = nn.Conv2d(4, 4, 1)
            self.six = nn.ReLU6()

        def forward(self, x):
            return self.six(self.b(self.act(self.a(x))))

    model = Mixed().eval()
    snn = convert(model, _batches((2, 3, 4, 4)), method='if')
    assert type(snn.act).__name__ == 'SignedIFNeuron'
    assert snn.act.alpha == pytest.approx(0.1)
    assert isinstance(snn.six, IFNeuron) and float(snn.six.threshold) <= 6
    with pytest.raises(ConversionError, match='LeakyReLU'):
        convert(model, _batches((2, 3, 4, 4)), method='cif_wsc')


def test_channel_wise_thresholds():
    model = SmallCNN().eval()
    snn = convert(model, _batches((4, 3, 8, 8)), channel_wise=True)
    neuron = snn.spikedet_sites.sites[0]
    assert neuron.threshold.shape == (8,)


def test_bad_requests_are_clear():
    model = SmallCNN().eval()
    with pytest.raises(ConversionError, match='calibration set is empty'):
        convert(model, [])
    with pytest.raises(ConversionError, match='unknown conversion method'):
        convert(model, _batches((2, 3, 8, 8)), method='magic')
    with pytest.raises(ConversionError, match="unknown option"):
        convert(model, _batches((2, 3, 8, 8)), percentil=99)


def test_converted_state_dict_round_trips_thresholds():
    model = SmallCNN().eval()
    snn = convert(model, _batches((4, 3, 8, 8)))
    keys = [k for k in snn.state_dict() if k.endswith('threshold')]
    assert keys == ['spikedet_sites.sites.0.threshold',
                    'spikedet_sites.sites.1.threshold']


class _Activations(nn.Module):
    """An in-place ReLU (shared by two calls), a plain one, a functional
    one: only the in-place module's sites may overwrite their input."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 4, 3, padding=1)
        self.c2 = nn.Conv2d(4, 4, 3, padding=1)
        self.c3 = nn.Conv2d(4, 4, 3, padding=1)
        self.inplace = nn.ReLU(inplace=True)
        self.plain = nn.ReLU()

    def forward(self, x):
        x = self.inplace(self.c1(x))
        y = self.inplace(self.c2(x)) + x
        return F.relu(self.c3(self.plain(y)))


def test_only_in_place_activations_give_neurons_their_input():
    snn = convert(_Activations().eval(), _batches((2, 3, 6, 6)), 'if')
    flags = {name: m.overwrite_input for name, m in snn.named_modules()
             if isinstance(m, BaseNeuron)}
    assert flags == {'inplace.sites.0': True, 'inplace.sites.1': True,
                     'plain': False, 'spikedet_sites.sites.0': False}


def test_overwriting_inputs_changes_no_output_and_no_count():
    import torchvision

    from spikedet.simulation import SpikeMonitor
    model = torchvision.models.resnet18(num_classes=10).eval()
    batches = _batches((2, 3, 32, 32))
    snn = convert(model, batches, method='if')
    neurons = [m for m in snn.modules() if isinstance(m, BaseNeuron)]
    assert sum(m.overwrite_input for m in neurons) == 17  # every ReLU site
    results = []
    for overwrite in (True, False):
        for m in neurons:
            m.overwrite_input = overwrite
        monitor = SpikeMonitor(snn)
        monitor.probe(lambda: snn(batches[0]))
        with monitor:
            out = simulate(snn, batches[0], [8])[8].output
            snap = monitor.snapshot()
        results.append((out, {n: (c.events, c.spikes, c.sops)
                              for n, c in snap.layers.items()}))
    assert torch.equal(results[0][0], results[1][0])
    assert results[0][1] == results[1][1]
    assert sum(c[1] for c in results[0][1].values()) > 0


def test_evaluation_delay_option_for_any_method():
    # Any method's network reads out after t0 steps when the option is
    # set (saved with the weights); None keeps the method's own (none for
    # IF, LTB's estimate); a bad value is refused before anything runs.
    from spikedet.simulation import readout_delay
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Conv2d(4, 2, 1))
    batches = _batches((2, 3, 8, 8))
    snn = convert(model, batches, 'augmapping', evaluation_delay=5)
    assert readout_delay(snn) == 5
    assert int(snn.state_dict()['spikedet_readout_delay.delay']) == 5
    assert readout_delay(convert(model, batches, 'if')) == 0
    ltb = convert(model, batches, 'ltb', iterations=20, evaluation_delay=2)
    assert readout_delay(ltb) == 2  # the option overrides the estimate
    x = batches[0]
    late, plain = (simulate(s, x, [12])[12].output for s in (
        snn, convert(model, batches, 'augmapping')))
    assert not torch.equal(late, plain)
    for bad in (-1, 2.5, True, 'auto'):
        with pytest.raises(ConversionError, match='evaluation_delay'):
            convert(model, batches, 'if', evaluation_delay=bad)
