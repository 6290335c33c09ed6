"""Spike statistics per read-out T, summed over a test set."""
from contextlib import nullcontext
from typing import Any, Callable, Dict, Iterator, Optional, Sequence, Tuple

from torch import nn

from .energy import energy
from .energy_model import energy_bill
from .counts import Snapshot, merge
from .hardware import Hardware
from .monitor import SpikeMonitor
from .schedules import Schedule
from .simulate import ReadOut, iterate_readouts


class TimestepStatistics:
    """Collects :class:`SpikeMonitor` snapshots per T over many batches.

    A spiking wrapper with ``stats`` set probes its network on each batch
    (:meth:`monitor`), counts while it simulates and calls :meth:`add` at
    every read-out; :meth:`report` turns the sums into per-image numbers.
    """

    def __init__(self) -> None:
        self.per_t: Dict[int, Snapshot] = {}
        self.images = 0
        self._monitors: Dict[int, SpikeMonitor] = {}

    def monitor(self, net: nn.Module, run: Callable[[], Any]) -> SpikeMonitor:
        """The monitor of ``net``, probed on the input ``run`` feeds it."""
        monitor = self._monitors.get(id(net))
        if monitor is None:
            monitor = self._monitors[id(net)] = SpikeMonitor(net)
        monitor.probe(run)
        return monitor

    def monitor_of(self, net: nn.Module) -> SpikeMonitor:
        """The monitor :meth:`monitor` made for ``net``."""
        return self._monitors[id(net)]

    def add(self, t: int, snapshot: Snapshot) -> None:
        """Add one batch's counts at read-out ``t``."""
        self.per_t[t] = merge([self.per_t.get(t), snapshot])

    def add_images(self, count: int) -> None:
        self.images += count

    def merge(self, other: 'TimestepStatistics') -> None:
        """Add another collection's counts (another process's shard)."""
        for t, snap in other.per_t.items():
            self.add(t, snap)
        self.images += other.images

    def state(self) -> Dict[str, Any]:
        """The counts alone (plain, picklable: no monitors)."""
        return dict(per_t=self.per_t, images=self.images)

    @classmethod
    def from_state(cls, state: Dict[str, Any]) -> 'TimestepStatistics':
        out = cls()
        out.per_t, out.images = dict(state['per_t']), state['images']
        return out

    def report(self) -> Dict[str, Any]:
        """Per T: totals per image, firing rate, energy; per layer too.

        Returns:
            ``dict(images=N, timesteps={T: dict(totals..., layers={...})})``
            with events, spikes, SOPs, analog and ANN MACs per image,
            ``firing_rate`` (spikes per neuron per step), ``energy_ratio``
            (SNN / ANN, 45 nm figures, see :func:`energy`), ``sin_fraction``
            (share of spikes from neurons whose ANN pre-activation is <= 0);
            ``analog_layers``: analog MACs per image of each synaptic layer
            that computed on analog input (the input layer only, in a
            spike-driven network) and of each analog island (its work in
            MAC equivalents, see :mod:`spikedet.conversion.islands`);
            ``energy``: per precision (``fp32``, ``int8``: both sides at
            that precision) the whole bill of
            :func:`~spikedet.simulation.energy_model.energy_bill` (pJ per
            image per part, ``ratio`` and ``compute_ratio``), float32 with
            its ``blocks`` and ``layers`` (each layer's parts; a spiking
            layer's SNN side, a synaptic layer's ANN side);
            ``energy_ratio_total`` and
            ``energy_ratio_int8``: its two totals' ratios.
        """
        n = max(self.images, 1)
        out: Dict[str, Any] = dict(images=self.images, timesteps={})
        for t, snap in sorted(self.per_t.items()):
            totals = snap.totals()
            e = energy(totals)
            row = {k: v / n for k, v in totals.items() if k != 'neuron_steps'}
            row['firing_rate'] = totals['spikes'] / totals['neuron_steps'] \
                if totals['neuron_steps'] else 0.0
            row['energy_ratio'] = e['ratio']
            row['sin_fraction'] = totals['sin_spikes'] / totals['spikes'] \
                if totals['spikes'] else 0.0
            row['layers'] = {
                name: dict(events=c.events / n, spikes=c.spikes / n,
                           sops=c.sops / n, steps=c.steps,
                           firing_rate=c.spikes / c.neuron_steps
                           if c.neuron_steps else 0.0,
                           sin_fraction=c.sin_spikes / c.spikes
                           if c.spikes else 0.0)
                for name, c in snap.layers.items()}
            row['analog_layers'] = {name: macs / n for name, macs
                                    in sorted(snap.analog_layers.items())}
            bills = {p: energy_bill(snap, n, Hardware(precision=p))
                     for p in ('fp32', 'int8')}
            bills['int8'].pop('blocks')
            bills['fp32']['layers'] = energy_bill(snap, n, Hardware(),
                                                  depth=None)['blocks']
            row['energy'] = bills
            row['energy_ratio_total'] = bills['fp32']['ratio']
            row['energy_ratio_int8'] = bills['int8']['ratio']
            out['timesteps'][t] = row
        return out


def monitored(stats: Optional[TimestepStatistics], net: nn.Module,
              run: Callable[[], Any]) -> Optional[SpikeMonitor]:
    """``stats.monitor(net, run)``, or None when statistics are off."""
    return None if stats is None else stats.monitor(net, run)


def monitored_readouts(stats: Optional[TimestepStatistics], net: nn.Module,
                       inputs: Any, timesteps: Sequence[int],
                       schedule: Optional[Schedule] = None,
                       chunk: int = 1,
                       horizon: Optional[int] = None
                       ) -> Iterator[Tuple[int, ReadOut, Optional[Snapshot]]]:
    """:func:`iterate_readouts` of ``net(inputs)`` (``chunk`` wake steps
    per call, ``horizon`` the run's length), with the counts so far at
    each read-out when ``stats`` is set (else None); adding them to
    ``stats`` is the caller's (a two-stage detector adds both stages)."""
    monitor = monitored(stats, net, lambda: net(inputs))
    with monitor or nullcontext():
        for t, readout in iterate_readouts(net, inputs, timesteps, schedule,
                                           chunk=chunk, horizon=horizon):
            yield t, readout, (None if monitor is None else
                               monitor.snapshot(readout.silent_steps))
