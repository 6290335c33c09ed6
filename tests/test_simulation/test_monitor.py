"""SpikeMonitor: measured fan-outs, SOPs, analog MACs, energy."""
import pytest
import torch
from torch import nn

from spikedet.neurons import IFNeuron
from spikedet.simulation import SpikeMonitor, energy, merge, simulate


class TwoLayer(nn.Module):
    """conv (analog input) -> IF -> conv 3x3 pad 1 -> IF -> linear."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.c1 = nn.Conv2d(1, 2, 1)
        self.n1 = IFNeuron(0.5)
        self.c2 = nn.Conv2d(2, 3, 3, padding=1)
        self.n2 = IFNeuron(0.1, max_spikes=4)
        self.fc = nn.Linear(3 * 4 * 4, 5)

    def forward(self, x):
        x = self.n2(self.c2(self.n1(self.c1(x))))
        return self.fc(x.flatten(1))


def test_fanout_is_border_correct():
    net = TwoLayer()
    x = torch.rand(2, 1, 4, 4)
    monitor = SpikeMonitor(net)
    monitor.probe(lambda: net(x))
    # A 3x3 pad-1 conv on a 4x4 map: corner inputs reach 4 outputs, edge
    # inputs 6, inner ones 9, each through 3 output channels.
    fan = monitor.fanout['n1'][0, 0]
    assert fan[0, 0] == 4 * 3 and fan[0, 1] == 6 * 3 and fan[1, 1] == 9 * 3
    assert (monitor.fanout['n2'] == 5).all()  # every linear output
    assert set(monitor.analog) == {'c1'}
    macs = 2 * (2 * 16 * 1) + 2 * (3 * 16 * 18) + 2 * (5 * 48)
    assert monitor.ann_macs == macs
    assert net.n1.v is None  # probing leaves no state behind


def test_sops_equal_coefficients_times_fanout_and_energy():
    net = TwoLayer()
    x = torch.rand(2, 1, 4, 4) * 3
    monitor = SpikeMonitor(net)
    monitor.probe(lambda: net(x))
    outs = {'n1': [], 'n2': []}
    hooks = [getattr(net, n).register_forward_hook(
        lambda m, a, o, n=n: outs[n].append(o / m.threshold)) for n in outs]
    with monitor:
        simulate(net, x, [6])
        snap = monitor.snapshot()
    for h in hooks:
        h.remove()
    for name in outs:
        counts = torch.stack(outs[name]).abs()
        expect = float((counts * monitor.fanout[name]).sum())
        assert snap.layers[name].sops == pytest.approx(expect)
        assert snap.layers[name].spikes == pytest.approx(float(counts.sum()))
        assert snap.layers[name].events == float((counts > 0).sum())
        assert snap.layers[name].steps == 6
    assert snap.layers['n2'].spikes > snap.layers['n2'].events  # bursts
    assert snap.analog_macs == 6 * monitor.analog['c1']
    totals = snap.totals()
    e = energy(totals)
    assert e['snn_pj'] == pytest.approx(0.9 * totals['sops'] +
                                        4.6 * totals['analog_macs'])
    assert e['ratio'] == pytest.approx(e['snn_pj'] / (4.6 * monitor.ann_macs))
    both = merge([snap, snap])
    assert both.totals()['sops'] == pytest.approx(2 * totals['sops'])


def test_unprobed_shape_is_refused():
    net = TwoLayer()
    monitor = SpikeMonitor(net)
    monitor.probe(lambda: net(torch.rand(2, 1, 4, 4)))
    with monitor, pytest.raises(RuntimeError, match='not probed'):
        net(torch.rand(3, 1, 4, 4))


class PhaseLead(nn.Module):
    """Layer 2's summed input is negative (ANN output 0), but its positive
    input arrives first (phase lead): plain IF fires, BSNN must not."""

    def __init__(self, neuron1, neuron2) -> None:
        super().__init__()
        self.l1 = nn.Linear(2, 2, bias=False)
        self.l2 = nn.Linear(2, 1, bias=False)
        with torch.no_grad():
            self.l1.weight.copy_(torch.eye(2))
            self.l2.weight.copy_(torch.tensor([[1.0, -1.2]]))
        self.n1, self.n2 = neuron1, neuron2
        self.out = nn.Linear(1, 1)

    def forward(self, x):
        return self.out(self.n2(self.l2(self.n1(self.l1(x)))))


def _sin(net, steps=64):
    from spikedet.conversion.ops import ActivationSpec
    for neuron in (net.n1, net.n2):
        neuron.ann_activation = ActivationSpec('relu')
    x = torch.tensor([[1.0, 0.9]])
    monitor = SpikeMonitor(net)
    monitor.probe(lambda: net(x))
    with monitor:
        simulate(net, x, [steps])
        return monitor.snapshot()


def test_spikes_of_inactivated_neurons_are_counted():
    from spikedet.neurons import BistableNeuron
    plain = _sin(PhaseLead(IFNeuron(1.0), IFNeuron(1.0)))
    assert plain.layers['n1'].sin_spikes == 0  # exact analog input
    assert plain.layers['n2'].spikes > 0
    assert plain.layers['n2'].sin_spikes == plain.layers['n2'].spikes
    bistable = _sin(PhaseLead(
        BistableNeuron(2.0, phase=4, coding='rate', depth=1),
        BistableNeuron(2.0, phase=4, coding='rate', depth=2)))
    assert bistable.layers['n1'].spikes > 0
    assert bistable.layers['n2'].sin_spikes == 0


def test_a_retraction_lowers_sin_instead_of_adding_to_it():
    # The consistent IF neuron fires +1 at step 1 on the phase-lead input
    # and retracts it with -1 at step 2 (its summed input is negative):
    # two spikes, and no SIN once retracted. Counting |coefficient| would
    # give SIN 2.
    from spikedet.neurons import ConsistentIFNeuron
    one = _sin(PhaseLead(IFNeuron(1.0), ConsistentIFNeuron(1.0)), steps=1)
    assert one.layers['n2'].sin_spikes == 1.0
    later = _sin(PhaseLead(IFNeuron(1.0), ConsistentIFNeuron(1.0)), steps=8)
    assert later.layers['n2'].spikes == 2.0
    assert later.layers['n2'].sin_spikes == 0.0


@pytest.mark.parametrize('overwrite', [False, True])
def test_inactive_neurons_are_found_on_the_input_current(overwrite):
    # A neuron that replaced an in-place ReLU writes its value over its
    # input; the ANN probe must still see the current (0.3 and -0.2: one
    # active neuron, one inactive), not the spikes written over it.
    from spikedet.conversion.ops import ActivationSpec
    net = nn.Sequential(nn.Linear(2, 2, bias=False), IFNeuron(1.0))
    with torch.no_grad():
        net[0].weight.copy_(torch.eye(2))
    net[1].ann_activation = ActivationSpec('relu')
    net[1].overwrite_input = overwrite
    monitor = SpikeMonitor(net)
    monitor.probe(lambda: net(torch.tensor([[0.3, -0.2]])))
    assert monitor.inactive['1'].tolist() == [[0.0, 1.0]]
    assert net[1].overwrite_input is overwrite  # restored


def test_inactivated_means_the_anns_activation_is_zero():
    # A clip-floor with 4 levels of top 4 rounds 0 < x < 0.5 to 0 (shift
    # 0.5): such a neuron is inactivated although its pre-activation is
    # positive; a ReLU neuron with the same input is not.
    from spikedet.conversion.ops import ActivationSpec
    net = nn.Sequential(nn.Linear(1, 1, bias=False), IFNeuron(1.0))
    with torch.no_grad():
        net[0].weight.fill_(1.0)
    x = torch.tensor([[0.3]])
    for spec, inactive in ((ActivationSpec('relu'), 0.0),
                           (ActivationSpec('clip_floor', dict(
                               top=4.0, levels=4, shift=0.5)), 1.0)):
        net[1].ann_activation = spec
        monitor = SpikeMonitor(net)
        monitor.probe(lambda: net(x))
        assert monitor.inactive['1'].item() == inactive


def test_transposed_and_1d_convolutions_are_synaptic_layers():
    """Every synaptic layer kind is counted: a transposed conv's fan-out
    and MACs, a Conv1d's (one definition of synaptic layer)."""
    class Up(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.c1 = nn.Conv2d(1, 2, 1)
            self.n1 = IFNeuron(0.5)
            self.up = nn.ConvTranspose2d(2, 3, 2, stride=2)

        def forward(self, x):
            return self.up(self.n1(self.c1(x)))

    net = Up()
    x = torch.rand(1, 1, 4, 4)
    monitor = SpikeMonitor(net)
    monitor.probe(lambda: net(x))
    # Each input of a 2x2 stride-2 transposed conv reaches 2x2 outputs in
    # each of its 3 output channels.
    assert (monitor.fanout['n1'] == 12).all()
    assert monitor.layer_macs['up'] == 2 * 16 * (3 * 4)
    seq = nn.Sequential(nn.Conv1d(1, 2, 1), IFNeuron(0.5), nn.Conv1d(2, 3, 3))
    monitor = SpikeMonitor(seq)
    monitor.probe(lambda: seq(torch.rand(1, 1, 5)))
    fan = monitor.fanout['1'][0, 0]
    assert fan.tolist() == [3.0, 6.0, 9.0, 6.0, 3.0]
