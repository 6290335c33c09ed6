"""The whole energy bill: compute, neuron updates and memory traffic.

Built on the structure of Lemaire et al., "An analytical estimation of
spiking neural networks energy efficiency" (ICONIP 2022): each side pays
for its arithmetic, for the state it keeps and for every word it moves,
with the 45 nm access energies of :mod:`spikedet.simulation.hardware`.
Per layer (a spiking layer of the SNN, a synaptic layer or island of the
ANN), three parts:

SNN
    *synaptic*: one accumulate per synaptic operation; a MAC per MAC of a
    layer or island computing on analog values (the input layer on the
    image; islands in MAC equivalents), at every step it computes.
    *neuron*: per neuron update (every neuron at every simulated step, sleep
    steps included, silent steps the simulator skipped not): an add
    (input and bias into the potential) and a compare with the threshold.
    *memory*: per synaptic operation one weight fetched from the weight
    SRAM (an event reaches its synapses one by one: no reuse); per neuron
    update the potential read and written in the buffer; per event its
    address written and read once (``event_bytes``); an analog layer or
    island, per step it computes, what the ANN's pass of it moves.

ANN
    *synaptic*: one MAC per MAC (islands: their work).
    *neuron*: per output element of a synaptic layer one add (bias,
    activation).
    *memory*: the layer's weights fetched once per tile of its output per
    image (a tile is what fits the buffer at the activation width: weights
    are reused across a tile, as an accelerator's on-chip buffer does), its
    inputs read and outputs written once at the activation width.

Not counted on either side: routing between cores, control, leakage,
DRAM (everything is taken to fit on chip), the RoIAlign / up-sampling /
concatenation that move data without arithmetic. Compute-only ratios
(``compute_ratio``) are the synaptic parts alone: in float32 they are the
estimate :func:`spikedet.simulation.energy` gives.
"""
import math
from typing import Dict, Optional

from .counts import AnnLayer, LayerCounts, Snapshot
from .hardware import Hardware

PARTS = ('synaptic', 'neuron', 'memory')


def _zero() -> Dict[str, float]:
    return dict.fromkeys(PARTS, 0.0)


def block_of(name: str, depth: Optional[int] = 2) -> str:
    """The block a layer belongs to: its first ``depth`` path components
    (``backbone.layer1.0.conv1`` -> ``backbone.layer1``); None: the layer
    itself."""
    return name if depth is None else '.'.join(name.split('.')[:depth])


def ann_layer_energy(layer: AnnLayer, images: int,
                     hw: Hardware) -> Dict[str, float]:
    """One ANN pass of ``layer`` over ``images`` images (pJ per part)."""
    ops, buf = hw.ops, hw.buffer_pj_per_bit
    bits = ops['activation_bits']
    memory = (layer.inputs + layer.outputs) * bits * buf
    if layer.weights:
        calls = max(layer.calls, 1)
        per_call = layer.outputs / max(images, 1) / calls * bits / 8
        tiles = calls * max(1, math.ceil(per_call / hw.buffer_bytes))
        memory += layer.weights * tiles * images * hw.weight_read_pj
    return dict(synaptic=layer.macs * ops['mac'],
                neuron=layer.outputs * ops['add'] if layer.weights else 0.0,
                memory=memory)


def spiking_layer_energy(counts: LayerCounts,
                         hw: Hardware) -> Dict[str, float]:
    """What one spiking layer's counts cost (pJ per part)."""
    ops, buf = hw.ops, hw.buffer_pj_per_bit
    return dict(
        synaptic=counts.sops * ops['ac'],
        neuron=counts.updates * 2 * ops['add'],
        memory=(counts.sops * hw.weight_read_pj +
                counts.updates * 2 * hw.potential_bits * buf +
                counts.events * 2 * hw.event_bytes * 8 * buf))


def analog_energy(name: str, macs: float, snap: Snapshot, images: int,
                  hw: Hardware) -> Dict[str, float]:
    """A layer or island that computed ``macs`` MACs on analog values:
    per pass, what its ANN pass costs (an unknown layer: its MACs alone)."""
    ann: Optional[AnnLayer] = snap.ann_layers.get(name)
    if ann is None or not ann.macs:
        return dict(synaptic=macs * hw.ops['mac'], neuron=0.0, memory=0.0)
    passes = macs / ann.macs
    once = ann_layer_energy(ann, images, hw)
    return dict(synaptic=macs * hw.ops['mac'], neuron=0.0,
                memory=passes * once['memory'])


def _add(into: Dict[str, float], part: Dict[str, float]) -> None:
    for key in PARTS:
        into[key] += part[key]


def energy_bill(snap: Snapshot, images: int,
                hw: Optional[Hardware] = None,
                depth: Optional[int] = 2) -> Dict:
    """The energy of both sides for ``snap`` (counts over ``images``).

    Args:
        snap: Counts of a simulation, with its ANN pass per layer.
        images: Images the counts cover (energies are per image).
        hw: The hardware. Defaults to ``Hardware()`` (float32).
        depth: Path components naming a block (see :func:`block_of`);
            None: a block per layer.

    Returns:
        ``dict(snn=parts, ann=parts, ratio, compute_ratio, blocks)``: parts
        in pJ per image (``synaptic``, ``neuron``, ``memory``, ``total``);
        ``blocks``: ``{block: dict(snn=parts, ann=parts)}`` in network
        order.
    """
    hw = hw or Hardware()
    n = max(images, 1)
    blocks: Dict[str, Dict[str, Dict[str, float]]] = {}

    def side(name: str, which: str) -> Dict[str, float]:
        entry = blocks.setdefault(block_of(name, depth),
                                  dict(snn=_zero(), ann=_zero()))
        return entry[which]

    for name, layer in snap.ann_layers.items():
        _add(side(name, 'ann'), ann_layer_energy(layer, n, hw))
    for name, counts in snap.layers.items():
        _add(side(name, 'snn'), spiking_layer_energy(counts, hw))
    for name, macs in snap.analog_layers.items():
        _add(side(name, 'snn'), analog_energy(name, macs, snap, n, hw))

    totals = dict(snn=_zero(), ann=_zero())
    for entry in blocks.values():
        for which in ('snn', 'ann'):
            _add(totals[which], entry[which])
            for key in PARTS:
                entry[which][key] /= n
            entry[which]['total'] = sum(entry[which][k] for k in PARTS)
    for which in ('snn', 'ann'):
        for key in PARTS:
            totals[which][key] /= n
        totals[which]['total'] = sum(totals[which][k] for k in PARTS)
    snn, ann = totals['snn'], totals['ann']
    return dict(snn=snn, ann=ann,
                ratio=snn['total'] / ann['total'] if ann['total'] else 0.0,
                compute_ratio=snn['synaptic'] / ann['synaptic']
                if ann['synaptic'] else 0.0,
                blocks=blocks)
