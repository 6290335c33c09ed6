"""Every conversion preset on one mixed network; method-specific mapping."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from spikedet.conversion import ConversionError, convert, resolve
from spikedet.conversion.methods import names
from spikedet.neurons import (DoubleThresholdNeuron, IFNeuron, OneSpikeNeuron,
                              SignedIFNeuron, SpikeCalibration)
from spikedet.simulation import simulate, step_span


class Mixed(nn.Module):
    """ReLU, ReLU6, LeakyReLU and a max-pool, as in our detectors."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.a = nn.Conv2d(3, 8, 3, padding=1)
        self.relu = nn.ReLU()
        self.b = nn.Conv2d(8, 8, 3, padding=1)
        self.six = nn.ReLU6()
        self.c = nn.Conv2d(8, 8, 1)
        self.leaky = nn.LeakyReLU(0.1)
        self.fc = nn.Linear(8 * 4 * 4, 4)

    def forward(self, x):
        x = self.six(self.b(self.relu(self.a(x))))
        x = self.leaky(self.c(F.max_pool2d(x, 2)))
        return self.fc(x.flatten(1))


def _data(seed: int, n: int = 16):
    return torch.randn(n, 3, 8, 8, generator=torch.Generator().manual_seed(seed))


def _convert(model, name: str, data=None, **options):
    """``(snn, schedule)`` of method or preset ``name`` (pure torch: the
    presets resolve in the core)."""
    return convert(model, data or [_data(1), _data(2)], name, **options), \
        resolve(name, options).schedule


@pytest.mark.parametrize('name', names())
def test_every_preset_converts_or_refuses_clearly(name):
    model = Mixed().eval()
    if resolve(name).method.name == 'cif_wsc':
        with pytest.raises(ConversionError, match='leaky.*LeakyReLU'):
            _convert(model, name)
        return
    snn, schedule = _convert(model, name)
    x = _data(3)
    with torch.no_grad():
        ann = model(x)
    out = simulate(snn, x, [4, 256], schedule)
    err = {t: float((r.output - ann).abs().mean()) for t, r in out.items()}
    if name == 'onespike':  # one step is the whole single-spike inference
        assert err[256] == pytest.approx(err[4], rel=1e-5)
        # Measured 0.12 of the (small, random-weight) output at the
        # authors' K = 40, B = 1.15; K = 8 at base 2 gives 0.56, K = 8 with
        # the per-layer selection 0.32: a regression of the code (levels,
        # scales, shift) or of the selection fails here.
        scale = float(ann.abs().mean())
        assert err[4] < 0.15 * scale
        coarse = convert(model, [_data(1), _data(2)], 'onespike', phases=8,
                         base=2.0)
        selected = convert(model, [_data(1), _data(2)], 'onespike',
                           phases=8, select=True)
        err_coarse, err_selected = (
            float((simulate(other, x, [1])[1].output - ann).abs().mean())
            for other in (coarse, selected))
        assert err_coarse > 1.5 * err_selected > 2 * err[4]
        return
    if name == 'if_reset_zero':
        # The surplus above threshold is lost: a bias that T cannot remove.
        subtract, _ = _convert(model, 'if_channel')
        ref = simulate(subtract, x, [256])[256].output
        assert err[256] > float((ref - ann).abs().mean())
        assert err[256] < 0.8 * float(ann.abs().mean())  # measured 0.71
        return
    assert err[256] < err[4]
    assert err[256] < 0.1 * float(ann.abs().mean())


def test_onespike_readouts_count_the_network_latency():
    snn, schedule = _convert(Mixed().eval(), 'onespike')
    depths = {name: m.depth for name, m in snn.named_modules()
              if isinstance(m, OneSpikeNeuron)}
    # relu -> six -> (max-pool) -> leaky: spiking depths 1, 2, 3.
    assert depths == {'relu': 1, 'six': 2, 'leaky': 3}
    assert step_span(snn) == (3 + 1) * 40  # K = 40 phases
    out = simulate(snn, _data(3), [1, 2], schedule)
    assert [(r.wake_steps, r.total_steps) for r in out.values()] == \
        [(1, 160), (2, 320)]
    assert step_span(Mixed()) == 1


def test_termapping_and_augmapping_neurons():
    model = Mixed().eval()
    ter, _ = _convert(model, 'termapping')
    aug, _ = _convert(model, 'augmapping')
    assert isinstance(ter.relu, DoubleThresholdNeuron) and ter.relu.c_max == 1
    assert ter.relu.gate and not ter.leaky.gate
    assert ter.leaky.alpha == pytest.approx(0.1)
    assert aug.relu.c_max == 4
    # AugMapping splits the 99.99 % percentile (TerMapping: 99.9 %) in 4.
    ter_tail = convert(model, [_data(1), _data(2)], 'termapping',
                       percentile=99.99)
    assert torch.allclose(aug.relu.threshold * 4, ter_tail.relu.threshold)
    assert (ter_tail.relu.threshold > ter.relu.threshold).all()
    # AugMapping reads out after 4 steps of fill, TerMapping from step 0.
    from spikedet.simulation import readout_delay
    assert (readout_delay(aug), readout_delay(ter)) == (4, 0)
    # At the ReLU6 site one step never carries more than the clip.
    assert float(aug.six.threshold.max()) * aug.six.c_max <= 6


def test_spicalib_filters_every_rectifying_neuron():
    snn, _ = _convert(Mixed().eval(), 'spicalib')
    assert isinstance(snn.relu, IFNeuron)
    assert isinstance(snn.leaky, DoubleThresholdNeuron)  # signed bursts
    for site in (snn.relu, snn.six, snn.leaky):
        assert isinstance(site.spike_filter, SpikeCalibration)
        assert site.spike_filter.allowance is None  # follows the run


def test_spicalib_equals_burst_while_the_rule_cannot_act():
    # A run to T = 64 has A = 32: the filter cannot act before step 33, so
    # every read-out up to T = 33 is burst's, bit for bit; the last one,
    # where it acts, differs (a bug that let it act early, or never, or
    # touched the membrane, fails here).
    model = Mixed().eval()
    calibrated, _ = _convert(model, 'spicalib')
    burst, _ = _convert(model, 'burst')
    x = _data(3)
    timesteps = list(range(1, 34)) + [64]
    ours, theirs = (simulate(snn, x, timesteps)
                    for snn in (calibrated, burst))
    for t in range(1, 34):
        assert torch.equal(ours[t].output, theirs[t].output), t
    assert not torch.equal(ours[64].output, theirs[64].output)
    # A simulation that is part of a longer run (a two-stage detector's box
    # head, per read-out) takes that run's length: A = 32 here too.
    part = simulate(calibrated, x, [24], horizon=64)[24].output
    assert torch.equal(part, theirs[24].output)
    alone = simulate(calibrated, x, [24])[24].output  # A = 12
    assert not torch.equal(alone, theirs[24].output)
    # A fixed allowance acts early on the same network.
    fixed, _ = _convert(model, 'spicalib', allowance=4)  # sweeps/spicalib_a4
    early = simulate(fixed, x, [16])[16].output
    assert not torch.equal(early, theirs[16].output)


class InactivatedNeuron(nn.Module):
    """``fc1 -> ReLU (a, b) -> fc2 -> ReLU (z = a - b, y = a) -> fc3``,
    identity weights elsewhere, no biases.

    On ``x = (0.1, 1)`` the ANN has ``a = 0.1``, ``b = 1``, ``z = relu(-0.9)
    = 0`` and ``y = 0.1``. With thresholds (0.1, 10) and (0.5, 0.1), ``a``
    and ``y`` fire every step, ``b`` (a tenth of its threshold per step,
    membrane from half of it) first at step 5, so ``z``'s early current is
    positive: it fires once, at step 3, and never again (its mean current
    is -0.9). That spike of an inactivated neuron is what Spike
    Calibration retracts (algorithms_casc.md §2.3): silent for more than
    ``isi + A = 2 + A`` steps after it, ``z`` sends one -1.
    """

    def __init__(self) -> None:
        super().__init__()
        self.fc1, self.fc2, self.fc3 = (nn.Linear(2, 2, bias=False)
                                        for _ in range(3))
        self.relu1, self.relu2 = nn.ReLU(), nn.ReLU()
        with torch.no_grad():
            self.fc1.weight.copy_(torch.eye(2))
            self.fc2.weight.copy_(torch.tensor([[1.0, -1.0], [1.0, 0.0]]))
            self.fc3.weight.copy_(torch.eye(2))

    def forward(self, x):
        return self.fc3(self.relu2(self.fc2(self.relu1(self.fc1(x)))))


def test_spicalib_brings_the_network_closer_to_the_ann_than_burst():
    """The network-level claim: the filter removes the output error a
    spike of an inactivated neuron leaves, which the same burst neurons
    without it keep (0.5 / T here), and leaves the regular firers alone."""
    model = InactivatedNeuron().eval()
    x = torch.tensor([[0.1, 1.0]])
    with torch.no_grad():
        ann = model(x)
    assert ann.tolist() == [[0.0, pytest.approx(0.1)]]
    runs = {}
    for name in ('spicalib', 'burst'):
        snn, schedule = _convert(model, name, [x])
        # By hand, so that the spikes can be worked out (see the class).
        with torch.no_grad():
            snn.relu1.threshold.copy_(torch.tensor([0.1, 10.0]))
            snn.relu2.threshold.copy_(torch.tensor([0.5, 0.1]))
        # One run per T: the allowance follows the run, A = T / 2.
        runs[name] = {t: simulate(snn, x, [t], schedule)[t].output
                      for t in (8, 16, 32, 64)}
    sin = torch.tensor([[1.0, 0.0]])  # z's one spike, in the read-out
    for t in (16, 32, 64):  # the -1 comes at step A + 6 <= T
        calibrated, burst = runs['spicalib'][t], runs['burst'][t]
        torch.testing.assert_close(burst, ann + 0.5 / t * sin)
        torch.testing.assert_close(calibrated, ann)
        assert (calibrated - ann).abs().sum() < (burst - ann).abs().sum()
    # At T = 8 (A = 4) it would come at step 10: both keep the spike.
    assert torch.equal(runs['spicalib'][8], runs['burst'][8])


def test_spicalib_is_probed_and_monitored_like_any_network():
    # The statistics' probes step the network once outside simulate(),
    # where the run's length (the allowance) is not known yet.
    from spikedet.simulation import SpikeMonitor
    snn, _ = _convert(Mixed().eval(), 'spicalib')
    x = _data(3)
    monitor = SpikeMonitor(snn)
    monitor.probe(lambda: snn(x))
    with monitor:
        simulate(snn, x, [8])
        assert monitor.snapshot().layers['relu'].spikes > 0


def test_burst_fires_bursts_at_signed_sites_too():
    # The LeakyReLU site and an identity site (a linear bottleneck's
    # output read by the next conv) fire up to 5 spikes of either sign per
    # step, on the thresholds plain IF gives them; one spike per step there
    # clipped a detector's residual streams at the threshold.
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.LeakyReLU(0.1),
                          nn.Conv2d(8, 8, 1), nn.Conv2d(8, 4, 1)).eval()
    data = [_data(1), _data(2)]
    single = convert(model, data, 'if', channel_wise=True)
    burst = convert(model, data, 'if', channel_wise=True, max_spikes=5)
    kinds = [type(m) for m in single.modules()]
    assert kinds.count(SignedIFNeuron) == 2  # the leaky and identity sites
    signed = [m for m in burst.modules()
              if isinstance(m, DoubleThresholdNeuron)]
    assert sorted(m.alpha for m in signed) == pytest.approx([0.1, 1.0])
    assert all(m.c_max == 5 and not m.gate for m in signed)
    assert signed[1].neg_threshold is not None  # a scale per sign
    # A current of 3 thresholds per step passes whole, of either sign
    # (the negative side of the LeakyReLU at its gain 0.1).
    neuron = signed[0]
    theta = neuron.threshold.view(1, -1, 1, 1)
    x = torch.cat([3 * theta, -35 * theta]).expand(2, -1, 2, 2)
    neuron.reset()
    out = neuron(x.clone())
    assert torch.allclose(out[0], 3 * theta[0].expand_as(out[0]))
    assert torch.allclose(out[1], -3 * theta[0].expand_as(out[1]))


def test_burst_cap_respects_relu6():
    snn, _ = _convert(Mixed().eval(), 'burst')
    assert snn.relu.max_spikes == 5
    theta = float(snn.six.threshold.max())
    assert snn.six.max_spikes == max(1, min(5, int(6 // theta)))
