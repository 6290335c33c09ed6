"""CASC's Consistent IF (CIF) neuron (Li et al., arXiv 2406.05371)."""
from typing import Optional, Union

import torch
from torch import Tensor

from . import kernels
from .base import BaseNeuron
from .stateful import set_plain


class ConsistentIFNeuron(BaseNeuron):
    """Consistent IF neuron: signed spikes, net count held in [0, wake steps].

    State: membrane ``v``, net signed spike count ``S`` and the number of wake
    steps ``t`` seen (``t`` does not advance while :attr:`sleep` is set). One
    step: ``v <- v + x``; if awake ``t <- t + 1``;
    ``s = clamp(floor(v / theta), -min(gamma, S), min(gamma, t - S))``;
    ``S <- S + s``; ``v <- v - s * theta``.

    A negative spike needs a positive net count and retracts an earlier spike;
    a positive spike needs ``S < t``. So, whatever the order of the wake
    inputs, after enough zero-input sleep steps the count settles at
    ``clamp(floor(I / theta), 0, T)`` with ``I`` their sum and ``T`` the wake
    steps: the ANN's clip-floor activation, exactly. For ``gamma = 1`` the
    clamp equals the authors' code's rule; for ``gamma > 1`` we use the
    bound-respecting clamp the spec recommends (the code can overshoot).

    Args:
        threshold: Threshold (1.0 on CASC's clip-floor path).
        max_spikes: gamma, the largest ``|s|`` per step. Defaults to 1.
        v_init: Initial membrane as a fraction of the threshold.
        channel_dim: See :class:`BaseNeuron`.
    """

    def __init__(self,
                 threshold: Union[float, Tensor] = 1.0,
                 max_spikes: int = 1,
                 v_init: float = 0.0,
                 channel_dim: int = 1) -> None:
        if max_spikes < 1:
            raise ValueError('max_spikes must be >= 1')
        super().__init__(threshold, v_init, channel_dim)
        self.max_spikes = int(max_spikes)

    def init_state(self, x: Tensor) -> None:
        super().init_state(x)
        self.count = torch.zeros_like(x)

    def fire(self, x: Tensor) -> Tensor:
        if not self.sleep:
            set_plain(self, wake_steps=self.wake_steps + 1)
        spikes, value = kernels.consistent_if(
            self.v, self.count, x, self.theta(x), self.wake_steps,
            self.max_spikes)
        self.remember_value(spikes, value)
        return spikes

    def reset(self) -> None:
        super().reset()
        self.count: Optional[Tensor] = None
        self.wake_steps = 0

    def extra_repr(self) -> str:
        return f'{super().extra_repr()}, max_spikes={self.max_spikes}'
