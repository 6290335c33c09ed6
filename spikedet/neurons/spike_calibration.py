"""Spike Calibration (SpiCalib): retract the spikes of inactivated neurons."""
import math
from typing import Optional

import torch
from torch import Tensor

from .stateful import StatefulModule


class SpikeCalibration(StatefulModule):
    """A filter on a neuron's spike counts (Li et al., arXiv 2207.02702).

    A neuron whose ANN activation is 0 can fire early on transient positive
    current and then fall silent (a spike of an inactivated neuron, SIN).
    Per neuron the filter keeps the running mean inter-spike interval
    ``isi`` of its positive spikes (the first interval measured from step
    0), the step of the last positive spike and the net positive output
    ``S``; once the neuron has been silent for more than ``isi + A`` steps
    it emits a ``-1`` spike per step, retracting its earlier ones. The
    membrane is not touched (algorithms_casc.md §2.3).

    The allowance ``A`` follows the run's length by default, as the
    authors run it (algorithms_others.md §7: ``A = T / 2`` in their CIFAR
    scripts, 64-128 at T = 256): ``A = ceil(fraction * horizon)``, where
    the horizon is the simulation's largest read-out T
    (:func:`~spikedet.neurons.stateful.set_horizon`). The rule cannot act
    before step ``A + 1`` (0-based), so every read-out up to ``T = A + 1``
    equals the unfiltered neuron's, and the largest read-out of a run is
    the authors' rule at that T. A fixed ``allowance`` may be given
    instead. Before its first spike a neuron's ``isi`` is 0, so a small
    fixed ``A`` erases neurons that start late (deep layers, pipeline
    fill), more of them the longer the run: that is why the curve fell
    with T at the former constant A = 4.

    Signed neurons (Spiking-YOLO's IBT neuron at LeakyReLU sites, whose
    negative spikes carry the same amplitude as its positive ones): only
    positive spikes are tracked and retracted; negative spikes pass.

    Our variant of the authors' quirk: they let ``S`` keep falling below 0
    while the neuron stays silent and clamp only the output, so a later
    positive spike is swallowed until ``S`` climbs back. Here a retraction
    never exceeds what was emitted: ``S`` stops at 0 and later spikes pass.

    Attach it to a neuron with ``neuron.spike_filter = SpikeCalibration()``
    (see :meth:`BaseNeuron.forward`); :func:`reset_states` resets it.

    Args:
        allowance: A fixed ``A`` (>= 0): extra silent steps tolerated
            beyond the mean inter-spike interval. A neuron firing regularly
            with period ``k`` is never calibrated when ``A >= k - 1``.
            None (the default) follows the run: ``ceil(fraction * T)``.
        fraction: ``A`` as a fraction of the run's largest read-out T, in
            (0, 1], when ``allowance`` is None. Defaults to 0.5.
    """

    def __init__(self, allowance: Optional[int] = None,
                 fraction: float = 0.5) -> None:
        super().__init__()
        if allowance is not None and allowance < 0:
            raise ValueError('allowance must be >= 0')
        if not 0 < fraction <= 1:
            raise ValueError(f'fraction must be in (0, 1], got {fraction}')
        self.allowance = None if allowance is None else int(allowance)
        self.fraction = float(fraction)
        self.reset()

    def reset(self) -> None:
        self.t = 0
        self.active_allowance: Optional[int] = None
        self.last: Optional[Tensor] = None
        self.isi: Optional[Tensor] = None
        self.fired: Optional[Tensor] = None
        self.net: Optional[Tensor] = None

    def allowance_for(self, horizon: Optional[int]) -> int:
        """The ``A`` of a run to ``horizon`` wake steps.

        Raises:
            RuntimeError: The allowance follows the run and no horizon is
                set (step the neuron inside :func:`~spikedet.simulation.
                simulate`, or set ``horizon`` by hand). Read from the
                second step on: a one-step probe needs none.
        """
        if self.allowance is not None:
            return self.allowance
        if horizon is None:
            raise RuntimeError(
                'SpikeCalibration follows the run length, which is unknown '
                'outside simulate(): set_horizon(model, T) first, or give a '
                'fixed allowance')
        return math.ceil(self.fraction * horizon)

    def forward(self, spikes: Tensor) -> Tensor:
        """Filter one step's integer spike counts."""
        if self.t == 1:  # no retraction is possible at step 0 (a probe)
            self.active_allowance = self.allowance_for(self.horizon)
        if self.last is None:
            self.last = torch.zeros_like(spikes)
            self.isi = torch.zeros_like(spikes)
            self.fired = torch.zeros_like(spikes)
            self.net = torch.zeros_like(spikes)
        t = float(self.t)
        positive = spikes.clamp_min(0)
        fired = positive > 0
        self.fired = self.fired + fired.to(spikes.dtype)
        interval = (t - self.last + self.isi * (self.fired - 1)) / \
            self.fired.clamp_min(1)
        self.isi = torch.where(fired, interval, self.isi)
        self.last = torch.where(fired, torch.full_like(self.last, t),
                                self.last)
        # Never retract more than was emitted: S stays >= 0. At step 0
        # nothing was emitted yet.
        if self.t == 0:
            retract = torch.zeros_like(spikes)
        else:
            retract = ((t - self.last) > self.isi + self.active_allowance) \
                & (self.net > 0)
            retract = retract.to(spikes.dtype)
        self.net = self.net + positive - retract
        self.t += 1
        return spikes - retract

    def extra_repr(self) -> str:
        if self.allowance is not None:
            return f'allowance={self.allowance}'
        return f'allowance=ceil({self.fraction:g} * T)'
