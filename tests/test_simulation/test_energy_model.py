"""The energy model with memory: hand-computed counts, both sides."""
import pytest
import torch
from torch import nn

from spikedet.neurons import IFNeuron
from spikedet.simulation import (Hardware, SpikeMonitor, energy, energy_bill,
                                 simulate)
from spikedet.simulation.hardware import sram_pj_per_bit


class OneOfEach(nn.Module):
    """linear 1 -> 1 (analog input) -> IF -> linear 1 -> 1: one MAC, one
    neuron, one spike, one synaptic operation, one weight each."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(1, 1, bias=False)
        self.neuron = IFNeuron(1.0)
        self.fc2 = nn.Linear(1, 1, bias=False)
        with torch.no_grad():
            self.fc1.weight.fill_(1.0)
            self.fc2.weight.fill_(0.5)

    def forward(self, x):
        return self.fc2(self.neuron(self.fc1(x)))


def _bill(hw, steps=1):
    net = OneOfEach()
    x = torch.ones(1, 1)
    monitor = SpikeMonitor(net)
    monitor.probe(lambda: net(x))
    with monitor:
        simulate(net, x, [steps])
        snap = monitor.snapshot()
    return snap, energy_bill(snap, images=1, hw=hw)


@pytest.mark.parametrize('precision', ['fp32', 'int8'])
def test_one_spike_one_neuron_one_weight_by_hand(precision):
    hw = Hardware(precision=precision, weight_sram_kib=32, buffer_kib=8)
    snap, bill = _bill(hw)
    layer = snap.layers['neuron']
    assert (layer.events, layer.sops, layer.updates) == (1, 1, 1)
    mac, ac, add, bits = {'fp32': (4.6, 0.9, 0.9, 32),
                          'int8': (0.3, 0.1, 0.1, 8)}[precision]
    weight = bits * 20.0 / 64  # one weight from a 32 KB SRAM
    word = 10.0 / 64  # per bit, 8 KB buffer
    # ANN: two layers, each 1 MAC, 1 weight fetched (one tile), 1 input
    # read, 1 output written, 1 add for bias and activation.
    assert bill['ann']['synaptic'] == pytest.approx(2 * mac)
    assert bill['ann']['neuron'] == pytest.approx(2 * add)
    assert bill['ann']['memory'] == pytest.approx(
        2 * (weight + 2 * bits * word))
    # SNN: fc1 on the analog input once (what its ANN pass costs), one
    # synaptic operation into fc2, one neuron update, one event.
    assert bill['snn']['synaptic'] == pytest.approx(mac + ac)
    assert bill['snn']['neuron'] == pytest.approx(2 * add)
    assert bill['snn']['memory'] == pytest.approx(
        (weight + 2 * bits * word)  # fc1's pass
        + weight  # the spike's weight into fc2
        + 2 * 32 * word  # the potential read and written
        + 2 * 4 * 8 * word)  # the address event written and read
    for side in ('snn', 'ann'):
        parts = bill[side]
        assert parts['total'] == pytest.approx(
            parts['synaptic'] + parts['neuron'] + parts['memory'])


def test_blocks_add_up_to_the_network_and_compute_matches_the_old_ratio():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 2, 1), IFNeuron(0.5),
                        nn.Conv2d(2, 3, 3, padding=1), IFNeuron(0.1),
                        nn.Flatten(), nn.Linear(3 * 4 * 4, 5))
    x = torch.rand(2, 1, 4, 4) * 3
    monitor = SpikeMonitor(net)
    monitor.probe(lambda: net(x))
    with monitor:
        simulate(net, x, [6])
        snap = monitor.snapshot()
    bill = energy_bill(snap, images=2, depth=1)
    assert set(bill['blocks']) == {'0', '1', '2', '3', '5'}
    assert energy_bill(snap, images=2, depth=None)['blocks'] == \
        bill['blocks']  # every layer is a block of its own here
    for side in ('snn', 'ann'):
        for part in ('synaptic', 'neuron', 'memory', 'total'):
            assert sum(b[side][part] for b in bill['blocks'].values()) == \
                pytest.approx(bill[side][part])
    # Compute-only in float32 is the estimate tools have always printed.
    assert bill['compute_ratio'] == pytest.approx(
        energy(snap.totals())['ratio'])
    # Six steps of neurons that fire: memory is no small part of the SNN.
    assert bill['snn']['memory'] > bill['snn']['synaptic']
    assert bill['ratio'] != pytest.approx(bill['compute_ratio'])


def test_an_ann_layer_fetches_its_weights_once_per_output_tile():
    """16 x 16 x 64 float32 outputs per image = 64 KiB: one tile in a
    64 KiB buffer, four in a 16 KiB one."""
    from spikedet.simulation import AnnLayer, Snapshot
    from spikedet.simulation.energy_model import ann_layer_energy
    layer = AnnLayer(macs=0, weights=1000, inputs=0, outputs=2 * 16384,
                     calls=1)
    big = ann_layer_energy(layer, 2, Hardware(buffer_kib=64))
    small = ann_layer_energy(layer, 2, Hardware(buffer_kib=16))
    fetch = Hardware().weight_read_pj
    act = 2 * 16384 * 32
    assert big['memory'] == pytest.approx(
        2 * 1000 * fetch + act * sram_pj_per_bit(64 * 1024))
    assert small['memory'] == pytest.approx(
        2 * 4 * 1000 * fetch + act * sram_pj_per_bit(16 * 1024))
    assert Snapshot  # the layer is what a snapshot carries


def test_sram_energy_follows_horowitz_by_size():
    assert sram_pj_per_bit(8 * 1024) == pytest.approx(10 / 64)
    assert sram_pj_per_bit(1024) == pytest.approx(10 / 64)  # floor
    assert sram_pj_per_bit(32 * 1024) == pytest.approx(20 / 64)
    assert sram_pj_per_bit(1024 * 1024) == pytest.approx(100 / 64)
    assert 20 / 64 < sram_pj_per_bit(256 * 1024) < 100 / 64
    assert sram_pj_per_bit(4 * 1024 * 1024) > 100 / 64
    with pytest.raises(ValueError, match='precision'):
        Hardware(precision='fp16')
