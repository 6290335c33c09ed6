"""What a simulation did, counted per layer: the monitor's records."""
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional


@dataclass
class LayerCounts:
    """Cumulative counts of one spike-emitting layer (whole batch).

    Attributes:
        events: Non-zero outputs (one per multi-valued spike).
        spikes: Sum of ``|coefficient|`` (a burst / augmented spike of
            coefficient ``c`` counts ``|c|``; a pool's event and a
            phase-coded spike count 1).
        sops: Synaptic operations, ``sum(|coefficient| x fan-out)``.
        neuron_steps: Output elements summed over steps (the denominator
            of the firing rate).
        steps: Steps run.
        updates: Neuron updates: output elements summed over the steps
            actually simulated (sleep steps included, steps skipped as
            silent not; the energy model's neuron term).
        sin_spikes: Spikes of inactivated neurons (BSNN's SIN): neurons of
            rectifying sites whose ANN activation is 0, each counted with
            its net signed spike count so far clipped at zero, so that a
            negative spike retracting an earlier wrong one lowers SIN
            instead of adding to it. Set by :meth:`SpikeMonitor.snapshot`.
    """
    events: float = 0.0
    spikes: float = 0.0
    sops: float = 0.0
    neuron_steps: float = 0.0
    steps: int = 0
    sin_spikes: float = 0.0
    updates: float = 0.0

    def add(self, other: 'LayerCounts') -> None:
        """Add another batch's or stage's counts of the same layer."""
        self.events += other.events
        self.spikes += other.spikes
        self.sops += other.sops
        self.neuron_steps += other.neuron_steps
        self.steps = max(self.steps, other.steps)
        self.sin_spikes += other.sin_spikes
        self.updates += other.updates


@dataclass
class AnnLayer:
    """One synaptic layer (or analog island) as the ANN runs it: what the
    energy model needs for its side (whole batches, summed over them).

    Attributes:
        macs: Multiply-accumulates (an island: its work in MAC
            equivalents).
        weights: Weights of the layer (0 for an island).
        inputs: Input elements read.
        outputs: Output elements written.
        calls: Calls per forward pass (a head shared across levels: one
            per level); not summed over batches.
    """
    macs: float = 0.0
    weights: float = 0.0
    inputs: float = 0.0
    outputs: float = 0.0
    calls: int = 0

    def add(self, other: 'AnnLayer') -> None:
        """Add another batch's pass of the same layer."""
        self.macs += other.macs
        self.inputs += other.inputs
        self.outputs += other.outputs
        self.weights = max(self.weights, other.weights)
        self.calls = max(self.calls, other.calls)


@dataclass
class Snapshot:
    """Counts at one moment of a simulation (whole batch).

    ``analog_macs`` sums ``analog_layers``: the MACs charged to each
    synaptic layer that computed on analog input. ``ann_layers``: every
    synaptic layer and island as one ANN pass runs it (per batch)."""
    layers: Dict[str, LayerCounts] = field(default_factory=dict)
    analog_macs: float = 0.0
    ann_macs: float = 0.0
    analog_layers: Dict[str, float] = field(default_factory=dict)
    ann_layers: Dict[str, AnnLayer] = field(default_factory=dict)

    def prefixed(self, prefix: str) -> 'Snapshot':
        """The same counts with ``prefix`` before every layer name."""
        return Snapshot({prefix + n: c for n, c in self.layers.items()},
                        self.analog_macs, self.ann_macs,
                        {prefix + n: v for n, v in self.analog_layers.items()},
                        {prefix + n: v for n, v in self.ann_layers.items()})

    def renamed(self, rename: Callable[[str], Optional[str]]) -> 'Snapshot':
        """The layers ``rename`` maps to a name (under that name); those it
        maps to None are left out. ANN MACs are kept."""
        layers = {rename(n): c for n, c in self.layers.items()}
        analog = {rename(n): v for n, v in self.analog_layers.items()}
        ann = {rename(n): v for n, v in self.ann_layers.items()}
        for kept in (layers, analog, ann):
            kept.pop(None, None)
        return Snapshot(layers, sum(analog.values()), self.ann_macs, analog,
                        ann)

    def totals(self) -> Dict[str, float]:
        """Summed over layers: events, spikes, sops, neuron-steps."""
        out = dict(events=0.0, spikes=0.0, sops=0.0, neuron_steps=0.0,
                   sin_spikes=0.0)
        for c in self.layers.values():
            out['sin_spikes'] += c.sin_spikes
            out['events'] += c.events
            out['spikes'] += c.spikes
            out['sops'] += c.sops
            out['neuron_steps'] += c.neuron_steps
        out['analog_macs'] = self.analog_macs
        out['ann_macs'] = self.ann_macs
        return out


def merge(snapshots: List[Optional[Snapshot]]) -> Snapshot:
    """Sum snapshots (several stages, or several batches)."""
    out = Snapshot()
    for snap in snapshots:
        if snap is None:
            continue
        for name, c in snap.layers.items():
            out.layers.setdefault(name, LayerCounts()).add(c)
        for name, macs in snap.analog_layers.items():
            out.analog_layers[name] = out.analog_layers.get(name, 0.0) + macs
        for name, layer in snap.ann_layers.items():
            out.ann_layers.setdefault(name, AnnLayer()).add(layer)
        out.analog_macs += snap.analog_macs
        out.ann_macs += snap.ann_macs
    return out
