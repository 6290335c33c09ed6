"""TerMapping's double-threshold neuron and AugMapping's augmented spikes."""
import math
from typing import Optional, Union

import torch
from torch import Tensor

from .base import BaseNeuron


class DoubleThresholdNeuron(BaseNeuron):
    """Ternary (TerMapping) or augmented (AugMapping) IF neuron.

    Yu et al., TNNLS 2022 (arXiv 2005.03231), as specified in
    algorithms_others.md §3.2-3.3. Per step, with ``theta_n = theta / alpha``::

        v <- v + x
        if v >= theta:                      c = min(floor(v / theta), c_max)
        elif v <= -theta_n and (N > 0 or not gated):
                                            c = -min(floor(-v / theta_n), c_max[, N])
        else:                               c = 0
        v <- v - c * (theta if c > 0 else theta_n);  N <- N + c

    and the neuron emits ``c * theta``. ``c_max = 1`` is TerMapping's ternary
    spike {-1, 0, +1}; a larger cap (or ``None``, no cap) is AugMapping's
    augmented spike, one event carrying the coefficient ``c``.

    Gated (ReLU sites): a negative spike only retracts an earlier positive
    one (``N > 0``), so ``N * theta + v`` equals the summed input at every
    step and ``N >= 0`` (ReLU semantics; the spec's [R] gate, kept because
    the paper's exact condition was out of reach). Ungated with
    ``alpha < 1`` (LeakyReLU sites): the negative threshold is imbalanced by
    ``1 / alpha`` as in Spiking-YOLO, so negative inputs pass at gain
    ``alpha``; with ``c_max = 1`` this is exactly :class:`SignedIFNeuron`.

    Statistics (:class:`~spikedet.simulation.SpikeMonitor`) count ``|c|`` as spikes and each
    non-zero ``c`` as one event.

    Args:
        threshold: Positive threshold (scalar or per channel).
        c_max: Largest ``|c|`` per step; ``None`` for no cap. Defaults to 1.
        gate: Keep the net count non-negative (ReLU). Defaults to True.
        alpha: Negative-side gain (LeakyReLU slope), in (0, 1]; only for
            ungated neurons. Defaults to 1.0.
        v_init: Initial membrane as a fraction of the threshold.
        channel_dim: See :class:`BaseNeuron`.
        neg_threshold: Negative scale of an ungated identity-site neuron
            (negative spikes fire at and carry ``neg_threshold / alpha``
            and ``neg_threshold``); None uses ``threshold``.
    """

    def __init__(self,
                 threshold: Union[float, Tensor] = 1.0,
                 c_max: Optional[int] = 1,
                 gate: bool = True,
                 alpha: float = 1.0,
                 v_init: float = 0.0,
                 channel_dim: int = 1,
                 neg_threshold: Union[float, Tensor, None] = None) -> None:
        if c_max is not None and c_max < 1:
            raise ValueError('c_max must be >= 1 or None (no cap)')
        if not 0 < alpha <= 1:
            raise ValueError(f'alpha must be in (0, 1], got {alpha}')
        if gate and alpha != 1:
            raise ValueError('a gated (ReLU) neuron has alpha = 1')
        super().__init__(threshold, v_init, channel_dim, neg_threshold)
        self.c_max = None if c_max is None else int(c_max)
        self.gate = bool(gate)
        self.alpha = float(alpha)
        self.count: Optional[Tensor] = None

    def init_state(self, x: Tensor) -> None:
        super().init_state(x)
        self.count = torch.zeros_like(x)

    def _cap(self) -> float:
        return math.inf if self.c_max is None else float(self.c_max)

    def fire(self, x: Tensor) -> Tensor:
        theta = self.theta(x)
        theta_n = self.theta_neg(x) / self.alpha
        v = self.v.add_(x)
        cap = self._cap()
        up = torch.div(v, theta).floor_().clamp_(0, cap)
        down = torch.div(v.neg(), theta_n).floor_().clamp_(0, cap)
        if self.gate:
            down = torch.minimum(down, self.count)
        down.masked_fill_(up > 0, 0)
        v.sub_(up * theta).add_(down * theta_n)
        spikes = up.sub_(down)
        self.count.add_(spikes)
        return spikes

    def reset(self) -> None:
        super().reset()
        self.count = None

    def extra_repr(self) -> str:
        cap = 'inf' if self.c_max is None else self.c_max
        return (f'{super().extra_repr()}, c_max={cap}, gate={self.gate}, '
                f'alpha={self.alpha}')
