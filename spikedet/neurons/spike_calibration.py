"""Spike Calibration (SpiCalib): retract the spikes of inactivated neurons."""
from typing import Optional

import torch
from torch import Tensor

from .stateful import StatefulModule


class SpikeCalibration(StatefulModule):
    """A filter on a neuron's spike counts (Li et al., arXiv 2207.02702).

    A neuron whose ANN activation is 0 can fire early on transient positive
    current and then fall silent (a spike of an inactivated neuron, SIN).
    Per neuron the filter keeps the running mean inter-spike interval
    ``isi`` (the first interval measured from step 0), the step of the last
    positive spike and the net output ``S``; once the neuron has been silent
    for more than ``isi + allowance`` steps it emits a ``-1`` spike per step,
    retracting its earlier ones. The membrane is not touched (algorithms_
    casc.md §2.3).

    Our variant of the authors' quirk: they let ``S`` keep falling below 0
    while the neuron stays silent and clamp only the output, so a later
    positive spike is swallowed until ``S`` climbs back. Here a retraction
    never exceeds what was emitted: ``S`` stops at 0 and later spikes pass.
    The net output is never negative either way.

    Attach it to a neuron with ``neuron.spike_filter = SpikeCalibration(A)``
    (see :meth:`BaseNeuron.forward`); :func:`reset_states` resets it.

    Args:
        allowance: ``A``, extra silent steps tolerated beyond the mean
            inter-spike interval (>= 0). A neuron firing regularly with
            period ``k`` is never calibrated when ``A >= k - 1``.
    """

    def __init__(self, allowance: int) -> None:
        super().__init__()
        if allowance < 0:
            raise ValueError('allowance must be >= 0')
        self.allowance = int(allowance)
        self.reset()

    def reset(self) -> None:
        self.t = 0
        self.last: Optional[Tensor] = None
        self.isi: Optional[Tensor] = None
        self.fired: Optional[Tensor] = None
        self.net: Optional[Tensor] = None

    def forward(self, spikes: Tensor) -> Tensor:
        """Filter one step's integer spike counts (>= 0)."""
        if self.last is None:
            self.last = torch.zeros_like(spikes)
            self.isi = torch.zeros_like(spikes)
            self.fired = torch.zeros_like(spikes)
            self.net = torch.zeros_like(spikes)
        t = float(self.t)
        fired = spikes > 0
        self.fired = self.fired + fired.to(spikes.dtype)
        interval = (t - self.last + self.isi * (self.fired - 1)) / \
            self.fired.clamp_min(1)
        self.isi = torch.where(fired, interval, self.isi)
        self.last = torch.where(fired, torch.full_like(self.last, t),
                                self.last)
        silent = (t - self.last) > self.isi + self.allowance
        out = spikes - silent.to(spikes.dtype)
        net = self.net + out
        out = out - net.clamp_max(0)  # never retract more than was emitted
        self.net = net.clamp_min(0)
        self.t += 1
        return out

    def extra_repr(self) -> str:
        return f'allowance={self.allowance}'
