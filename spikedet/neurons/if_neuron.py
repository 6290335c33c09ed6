"""Integrate-and-fire neuron: the conversion baseline (and burst spikes)."""
from typing import Union

import torch
from torch import Tensor

from . import kernels
from .base import BaseNeuron

RESET_MODES = ('subtract', 'zero')


class IFNeuron(BaseNeuron):
    """Non-leaky integrate-and-fire neuron.

    ``v <- v + x``; ``s = clamp(floor(v / theta), 0, max_spikes)``; then either
    ``v <- v - s * theta`` (reset by subtraction, keeps the surplus) or
    ``v <- 0`` where it fired (reset to zero). With ``max_spikes = 1`` this is
    the classic IF neuron (``s = [v >= theta]``); larger values give the burst
    neuron of Li & Zeng (IJCAI 2022), which releases up to ``max_spikes``
    spikes per step. A clipped activation (ReLU6) needs no extra rule: the
    rate of an IF neuron is at most one spike per step, i.e. ``theta``.

    Args:
        threshold: See :class:`BaseNeuron`.
        reset: ``'subtract'`` or ``'zero'``. Defaults to ``'subtract'``.
        v_init: Initial membrane as a fraction of the threshold.
            Defaults to 0.0.
        max_spikes: Largest spike count per step (burst size). Defaults to 1.
        channel_dim: See :class:`BaseNeuron`.
    """

    def __init__(self,
                 threshold: Union[float, Tensor] = 1.0,
                 reset: str = 'subtract',
                 v_init: float = 0.0,
                 max_spikes: int = 1,
                 channel_dim: int = 1) -> None:
        if reset not in RESET_MODES:
            raise ValueError(f'reset must be one of {RESET_MODES}, got {reset!r}')
        if max_spikes < 1:
            raise ValueError('max_spikes must be >= 1')
        super().__init__(threshold, v_init, channel_dim)
        self.reset_mode = reset
        self.max_spikes = int(max_spikes)

    def fire(self, x: Tensor) -> Tensor:
        theta = self.theta(x)
        if self.reset_mode == 'subtract':
            spikes, value = kernels.if_subtract(self.v, x, theta,
                                                self.max_spikes,
                                                self.overwrite_input)
            self.remember_value(spikes, value)
            return spikes
        v = self.v.add_(x)
        if self.max_spikes == 1:
            spikes = torch.ge(v, theta).to(x.dtype)
        else:
            spikes = torch.div(v, theta).floor_().clamp_(0, self.max_spikes)
        v.masked_fill_(spikes > 0, 0)
        return spikes

    def extra_repr(self) -> str:
        return (f'{super().extra_repr()}, reset={self.reset_mode}, '
                f'max_spikes={self.max_spikes}')
