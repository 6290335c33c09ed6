"""Spiking-YOLO's signed neuron with imbalanced threshold (IBT)."""
from typing import Union

import torch
from torch import Tensor

from . import kernels
from .base import BaseNeuron


class SignedIFNeuron(BaseNeuron):
    """Signed IF neuron for LeakyReLU(alpha) (Kim et al., AAAI 2020).

    ``v <- v + x``; a ``+1`` spike when ``v >= theta`` (then ``v -= theta``), a
    ``-1`` spike when ``v <= -theta / alpha`` (then ``v += theta / alpha``).
    Both spikes carry amplitude ``theta``, so a negative input ``x`` is
    transmitted at rate ``alpha * x / theta``: LeakyReLU on average, with the
    ANN's weights unchanged. ``alpha = 1`` gives the symmetric signed neuron.

    With ``reset='zero'`` the membrane is set to 0 after either spike (the
    surplus is lost), the signed counterpart of the IF baseline's option.

    Identity sites (a synaptic layer fed by another synaptic layer's
    output) use ``alpha = 1`` and a ``neg_threshold`` of their own: negative
    spikes fire at ``-neg_threshold`` and carry ``neg_threshold``, so both
    signs of the current are coded on their own calibrated scale.

    Args:
        threshold: Positive threshold (scalar or per channel).
        alpha: The LeakyReLU negative slope, in (0, 1]. Defaults to 0.1.
        reset: ``'subtract'`` or ``'zero'``. Defaults to ``'subtract'``.
        v_init: Initial membrane as a fraction of the threshold.
        channel_dim: See :class:`BaseNeuron`.
        neg_threshold: Negative-side threshold (identity sites); None uses
            ``threshold``.
    """

    def __init__(self,
                 threshold: Union[float, Tensor] = 1.0,
                 alpha: float = 0.1,
                 v_init: float = 0.0,
                 reset: str = 'subtract',
                 channel_dim: int = 1,
                 neg_threshold: Union[float, Tensor, None] = None) -> None:
        if not 0 < alpha <= 1:
            raise ValueError(f'alpha must be in (0, 1], got {alpha}')
        if reset not in ('subtract', 'zero'):
            raise ValueError(f"reset must be 'subtract' or 'zero', got {reset!r}")
        super().__init__(threshold, v_init, channel_dim, neg_threshold)
        self.alpha = float(alpha)
        self.reset_mode = reset

    def init_state(self, x: Tensor) -> None:
        super().init_state(x)
        # Per input, not per step: where a negative spike fires (v <=
        # -theta_neg / alpha) and what it carries (-theta_neg).
        theta_neg = self.theta_neg(x)
        self._fire_neg = theta_neg.div(self.alpha).neg_()
        self._carry_neg = theta_neg.neg()

    def fire(self, x: Tensor) -> Tensor:
        if self.reset_mode == 'subtract':
            spikes, value = kernels.signed_if(
                self.v, x, self.theta(x), self._fire_neg, self._carry_neg,
                self.alpha != 1.0, self.overwrite_input)
            self.remember_value(spikes, value)
            return spikes
        v = self.v.add_(x)
        pos = torch.ge(v, self.theta(x))
        neg = torch.le(v, self._fire_neg)
        v.masked_fill_(pos | neg, 0)
        return pos.to(x.dtype) - neg.to(x.dtype)

    def spikes_of(self, value: Tensor) -> Tensor:
        """The value's sign: a positive spike carries ``theta > 0``, a
        negative one a negative amplitude, and at most one fires."""
        return torch.sign(value)

    def extra_repr(self) -> str:
        return (f'{super().extra_repr()}, alpha={self.alpha}, '
                f'reset={self.reset_mode}')
