"""One-Spike: single-spike phase coding with threshold shift and base."""
import math
from typing import Optional, Union

import torch
from torch import Tensor

from .base import BaseNeuron


def single_spike_levels(x: Tensor, base: float, phases: int,
                        shift: float) -> Tensor:
    """The single-spike quantizer Q of normalised values ``x >= 0``.

    ``Q(x) = B^-k*`` with ``k* = min{k in 0..K-1 : x >= s B^-k}``, and 0
    when no phase qualifies (algorithms_others.md §2.2, [R]). Values at or
    above ``s`` saturate at level 1 (phase 0); negative values give 0.

    Args:
        x: Normalised activations (``a / lambda``).
        base: ``B > 1``, the ratio of adjacent phase weights.
        phases: ``K``, the number of phases.
        shift: ``s`` in (0, 1]: 1 truncates, ``(1 + 1/B) / 2`` rounds to
            the arithmetic midpoint.

    Returns:
        Levels in ``{0} U {B^-k}``, the shape of ``x``.
    """
    levels = torch.zeros_like(x)
    for k in reversed(range(phases)):
        weight = base ** -k
        levels = torch.where(x >= shift * weight,
                             torch.full_like(x, weight), levels)
    return levels


def midpoint_shift(base: float) -> float:
    """Threshold shift with boundaries at the arithmetic midpoints."""
    return (1 + 1 / base) / 2


class OneSpikeNeuron(BaseNeuron):
    """Single-spike phase coding (Hwang & Kung, arXiv 2403.08786), as its
    exact functional equivalent.

    A neuron integrates its whole input window, then fires at most one
    spike, in the first phase ``k`` whose threshold ``s lambda B^-k`` its
    potential reaches; the spike carries ``lambda B^-k``. Because a layer
    integrates before it fires, the event-driven network computes exactly
    the ANN with every activation replaced by ``lambda Q(a / lambda)``
    (spec §2.3), so this neuron emits that value at every step: one read-out
    step (T = 1) is one single-spike inference, whose latency in phases is
    ``(depth + 1) K``, reported as its :meth:`step_span`. Each non-zero output is
    one spike (``spike_value_is_count = False``: statistics count events).
    :func:`spikedet.neurons.one_spike_windows.simulate_phase_windows` runs the
    event-driven form on feed-forward chains and checks the equivalence.

    ReLU sites take ``relu(x)``; clip sites (ReLU6, clip-floor) clip first;
    LeakyReLU sites (``alpha``, our extension) code ``|a|`` with a sign, one
    signed spike. Identity sites (``alpha = 1``) code the negative side on
    a scale of its own, ``neg_threshold``.

    Args:
        threshold: ``lambda``, the layer's (or channel's) scale.
        base: ``B`` (the method's default is in
            :mod:`spikedet.conversion.methods.onespike`).
        phases: ``K``.
        shift: ``s``; None for the arithmetic midpoint of ``B``.
        upper: Clip of a ReLU6 / clip-floor site (``[C]`` for a
            channel-wise clip-floor). Defaults to None.
        alpha: LeakyReLU slope for signed coding. Defaults to None.
        channel_dim: See :class:`BaseNeuron`.
        neg_threshold: Scale of the negative side (identity sites); None
            uses ``threshold``.
    """
    spike_value_is_count = False

    def __init__(self,
                 threshold: Union[float, Tensor] = 1.0,
                 *,
                 base: float,
                 phases: int,
                 shift: Optional[float] = None,
                 upper: Union[float, Tensor, None] = None,
                 alpha: Optional[float] = None,
                 channel_dim: int = 1,
                 neg_threshold: Union[float, Tensor, None] = None) -> None:
        if not base > 1:
            raise ValueError('base must be > 1')
        if phases < 1:
            raise ValueError('phases must be >= 1')
        shift = midpoint_shift(base) if shift is None else float(shift)
        if not 0 < shift <= 1:
            raise ValueError('shift must be in (0, 1]')
        super().__init__(threshold, 0.0, channel_dim, neg_threshold)
        # Buffers: the per-layer choices are saved with the thresholds.
        self.register_buffer('base', torch.tensor(float(base)))
        self.register_buffer('shift', torch.tensor(shift))
        self.phases = int(phases)
        self.upper = upper
        self.alpha = alpha
        self.depth = 1

    def activation(self, x: Tensor) -> Tensor:
        """The ANN activation the site computed."""
        if self.alpha is not None:
            return torch.where(x >= 0, x, self.alpha * x)
        a = torch.relu(x)
        if self.upper is None:
            return a
        return torch.minimum(a, self._broadcast(torch.as_tensor(self.upper),
                                                a))

    def levels(self, a: Tensor) -> Tensor:
        """Signed single-spike levels of activations ``a``."""
        scale = self.theta(a) if self.neg_threshold is None else \
            torch.where(a >= 0, self.theta(a), self.theta_neg(a))
        q = single_spike_levels(a.abs() / scale, float(self.base),
                                self.phases, float(self.shift))
        return q * torch.sign(a) if self.alpha is not None else q

    def fire(self, x: Tensor) -> Tensor:
        return self.levels(self.activation(x))

    def step_span(self) -> int:
        """One step of the functional form is a whole single-spike
        inference: ``(depth + 1) K`` steps until this neuron's spike is out
        (its read-out needs no warm-up: :meth:`latency` stays 0)."""
        return (self.depth + 1) * self.phases

    def extra_repr(self) -> str:
        return (f'{super().extra_repr()}, base={float(self.base):.4g}, '
                f'phases={self.phases}, shift={float(self.shift):.4g}, '
                f'depth={self.depth}')


def base_candidates(count: int = 10) -> Tensor:
    """Bases tried per layer: ``linspace(1.1, 2.0, count)``."""
    return torch.linspace(1.1, 2.0, count)


def shift_candidates(base: float) -> list:
    """Shifts tried for one base: midpoint, geometric midpoint, a grid."""
    grid = [0.5 + 0.1 * i for i in range(6)]
    return sorted({round(midpoint_shift(base), 6),
                   round(1 / math.sqrt(base), 6), *grid})
