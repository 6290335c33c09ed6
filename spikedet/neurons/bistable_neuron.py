"""BSNN's bistable neuron: integrate for P steps, then fire for P steps."""
from typing import Optional, Union

import torch
from torch import Tensor

from .base import BaseNeuron

CODINGS = ('rate', 'phase')


class BistableNeuron(BaseNeuron):
    """Bistable IF neuron (Li, Zeng, Zhao; arXiv 2105.12917), our variant.

    Time is cut into phases of ``P`` steps. A neuron of spiking depth ``d``
    (1 = fed by the analog input) *integrates* in phases ``k`` with
    ``k - (d - 1)`` even and *fires* in the others (algorithms_others.md
    §1.2, [R]), so every layer fires while the next one integrates and a
    layer decides only after it has summed a whole phase of its inputs: no
    spike of an inactivated neuron from the order of its inputs.

    * integrate step: ``v <- v + x (+ the buffered current)``; no spike;
    * fire step: one spike when ``v >= theta``, ``v <- v - theta``; the
      current arriving meanwhile is buffered (``sync=True``) and added at
      the next integrate step.

    Our choices where the spec is silent or the paper out of reach:

    * Biases and the analog input reach the neuron every step (the
      simulator does not gate them); with the buffer, a full cycle of
      ``2P`` steps delivers ``2P (W a + b)``, so the message is the rate
      over the whole cycle: ``n`` spikes of amplitude ``theta`` per cycle
      carry ``n theta / 2P``. A neuron fires at most ``P`` times per cycle,
      so to carry activations up to ``lambda`` the converter doubles the
      calibrated threshold (``theta = 2 lambda``; resolution ``lambda / P``
      per cycle, the remainder carried over).
    * The buffer is our realisation of BSNN's synchronous neurons (SN):
      a residual block's shortcut spikes arrive one phase early, in the
      output neuron's fire phase; buffering delays them by exactly that
      phase, which is what a one-stage SN relay on the shortcut does
      (losslessly) in a basic block. A two-phase lead (bottleneck blocks,
      MobileNetV2's inverted residuals) lands in an integrate phase and is
      not re-aligned (only the transient differs for static inputs).
      ``sync=False`` drops fire-phase input instead (the spec's plain
      rule; BSNN without SN).

    Phase-coded reading (``coding='phase'``; algorithms_others.md §7:
    later papers place BSNN among the phase-coding methods, "periodically
    varying thresholds"): the fire phase sends the potential as a binary
    fraction, one bit per step. At fire step ``k`` (0 to ``P - 1``) the
    neuron fires when ``v >= theta 2^-(k+1)``, subtracts that and emits it
    as the spike's value, so one cycle carries ``2^P`` levels where the
    rate reading carries ``P + 1``. A cycle of ``2P`` steps delivers
    ``2P (W a + b)`` and the bits sum to at most ``theta (1 - 2^-P)``, so
    the converter sets ``theta = 2 P lambda / (1 - 2^-P)``: the message
    resolves about ``lambda 2^-P`` in one cycle (remainder carried over).
    A spike is one event carrying a level (``spike_value_is_count``
    False); its ``2^-k`` weight is a shift.

    ``depth`` is set after conversion by
    :func:`spikedet.conversion.spiking_depths` (not saved: it is structure).

    Args:
        threshold: Threshold (scalar or per channel).
        phase: ``P``, steps per phase (>= 1; BSNN's default is its
            method's, :mod:`spikedet.conversion.methods.bsnn`).
        depth: Spiking depth (>= 1). Defaults to 1.
        sync: Buffer fire-phase input. Defaults to True.
        alpha: For LeakyReLU sites (our extension): also fire ``-1`` spikes
            when ``v <= -theta / alpha``, as Spiking-YOLO's IBT neuron.
            Defaults to None (ReLU: positive spikes only).
        v_init: Initial membrane as a fraction of the threshold.
        channel_dim: See :class:`BaseNeuron`.
        neg_threshold: Negative scale of a signed identity-site neuron
            (``alpha = 1``); None uses ``threshold``.
        coding: ``'rate'`` (one spike of ``theta`` per fire step) or
            ``'phase'`` (binary-weighted spikes).
    """

    silent_is_fixed_point = False  # the phase clock advances every step

    def __init__(self,
                 threshold: Union[float, Tensor] = 1.0,
                 *,
                 phase: int,
                 coding: str,
                 depth: int = 1,
                 sync: bool = True,
                 alpha: Optional[float] = None,
                 v_init: float = 0.0,
                 channel_dim: int = 1,
                 neg_threshold: Union[float, Tensor, None] = None) -> None:
        if coding not in CODINGS:
            raise ValueError(f'coding must be one of {CODINGS}, got '
                             f'{coding!r}')
        if phase < 1:
            raise ValueError('phase must be >= 1')
        if depth < 1:
            raise ValueError('depth must be >= 1')
        super().__init__(threshold, v_init, channel_dim, neg_threshold)
        self.phase = int(phase)
        self.depth = int(depth)
        self.sync = bool(sync)
        if alpha is not None and not 0 < alpha <= 1:
            raise ValueError(f'alpha must be in (0, 1], got {alpha}')
        self.alpha = alpha
        self.coding = coding
        # A phase-coded spike is one event carrying a level.
        self.spike_value_is_count = coding == 'rate'

    def init_state(self, x: Tensor) -> None:
        super().init_state(x)
        self.buffer = torch.zeros_like(x)
        self.t = 0

    def integrating(self, t: int) -> bool:
        """Whether step ``t`` (from 0) is in an integrate phase."""
        return (t // self.phase - (self.depth - 1)) % 2 == 0

    def fire(self, x: Tensor) -> Tensor:
        t = self.t
        self.t += 1
        if self.integrating(t):
            self.v = self.v + x + self.buffer
            self.buffer = torch.zeros_like(x)
            return torch.zeros_like(x)
        if self.sync:
            self.buffer = self.buffer + x
        # Rate: every fire step at the threshold; phase: bit k of the
        # fire phase weighs 2^-(k+1).
        weight = 1.0 if self.coding == 'rate' else \
            2.0 ** -(t % self.phase + 1)
        theta = self.theta(x) if weight == 1.0 else self.theta(x) * weight
        spikes = (self.v >= theta).to(x.dtype)
        value = spikes * theta
        self.v = self.v - value
        if self.alpha is not None:
            theta_n = self.theta_neg(x) if weight == 1.0 else \
                self.theta_neg(x) * weight
            neg = (self.v <= -theta_n / self.alpha).to(x.dtype)
            self.v = self.v + neg * theta_n / self.alpha
            spikes = spikes - neg
            value = value - neg * theta_n
        self.remember_value(spikes, value)
        return spikes

    def spikes_of(self, value: Tensor) -> Tensor:
        """The spike's sign: one fires per step, whatever its level."""
        return torch.sign(value)

    def latency(self) -> int:
        """``depth x P``: a neuron of spiking depth ``d`` first fires in
        phase ``d`` (phases counted from 0), so the layer it feeds receives
        nothing before step ``d P``."""
        return self.depth * self.phase

    def reset(self) -> None:
        super().reset()
        self.buffer: Optional[Tensor] = None
        self.t = 0

    def extra_repr(self) -> str:
        return (f'{super().extra_repr()}, phase={self.phase}, '
                f'depth={self.depth}, sync={self.sync}, alpha={self.alpha}, '
                f'coding={self.coding}')
