"""CASC's consistent IF neuron for identity sites: signed, two scales."""
from typing import Optional, Union

import torch
from torch import Tensor

from . import kernels
from .base import BaseNeuron
from .stateful import set_plain


class SignedConsistentIFNeuron(BaseNeuron):
    """Consistent IF neuron with signed spikes and a scale per sign.

    Our extension of CASC's CIF neuron (:class:`ConsistentIFNeuron`) to the
    identity sites of a spike-driven network, where the ANN passes a signed
    value on (an FPN's lateral output, a linear bottleneck's projection).
    The quantization-aware ANN puts :class:`~spikedet.conversion.
    SignedClipFloor` there::

        y = top_p * floor(clamp(x / top_p, 0, 1) * L + s) / L     (x >= 0)
        y = -top_n * floor(clamp(-x / top_n, 0, 1) * L + s) / L   (x < 0)

    State: the summed input ``I`` (in :attr:`v`), the net signed count ``S``
    and the wake steps ``t``. One step: ``I <- I + x``; if awake
    ``t <- t + 1``; the count the input so far asks for is
    ``S* = sign(I) min(floor(|I| / theta_sign(I) + s), t)``; the neuron fires
    ``clamp(S* - S, -gamma, gamma)`` and ``S`` follows. A spike away from 0
    carries its side's threshold; a spike towards 0 retracts one of the
    count's sign. So, whatever the order of the wake inputs, after enough
    zero-input sleep steps ``S = S*(I, T)``: for ``T = L`` wake steps of a
    constant ``x`` that is the signed clip-floor above, exactly. The
    emitted value is the change of ``E(S) = S top_p`` (``S > 0``) or
    ``S top_n`` (``S < 0``), so the next layer integrates the ANN's value.

    Where the unsigned neuron's rounding shift is an initial membrane, here
    it is part of ``S*`` (``s`` = :attr:`shift`): an initial membrane would
    round the two signs differently.

    Args:
        threshold: ``top_p``, the positive scale (scalar or per channel).
        neg_threshold: ``top_n``, the negative scale.
        max_spikes: ``gamma``, the largest ``|s|`` per step. Defaults to 1.
        shift: ``s`` in ``[0, 1)``. Defaults to 0.
        channel_dim: See :class:`BaseNeuron`.
    """

    def __init__(self,
                 threshold: Union[float, Tensor] = 1.0,
                 neg_threshold: Union[float, Tensor] = 1.0,
                 max_spikes: int = 1,
                 shift: float = 0.0,
                 channel_dim: int = 1) -> None:
        if max_spikes < 1:
            raise ValueError('max_spikes must be >= 1')
        if not 0 <= shift < 1:
            raise ValueError('shift must be in [0, 1)')
        super().__init__(threshold, 0.0, channel_dim, neg_threshold)
        self.max_spikes = int(max_spikes)
        self.shift = float(shift)

    def init_state(self, x: Tensor) -> None:
        super().init_state(x)
        self.count = torch.zeros_like(x)
        self.count_value = torch.zeros_like(x)  # E(S)

    def fire(self, x: Tensor) -> Tensor:
        if not self.sleep:
            set_plain(self, wake_steps=self.wake_steps + 1)
        # The emitted value is E(S) - E(S_previous); E(S_previous) is the
        # value kept from the step before, not recomputed.
        spikes, count_value, emitted = kernels.signed_consistent_if(
            self.v, self.count, self.count_value, x, self.theta(x),
            self.theta_neg(x), self.shift, self.wake_steps, self.max_spikes)
        set_plain(self, count_value=count_value)
        self.remember_value(spikes, emitted)
        return spikes

    def _value(self, count: Tensor, x: Tensor) -> Tensor:
        return torch.where(count > 0, count * self.theta(x),
                           count * self.theta_neg(x))

    def emit(self, spikes: Tensor, x: Tensor) -> Tensor:
        """Only reached when a spike filter replaced the spikes: their
        value at the current count's sign."""
        return self._value(self.count, x) - self._value(self.count - spikes,
                                                        x)

    def reset(self) -> None:
        super().reset()
        self.count: Optional[Tensor] = None
        self.count_value: Optional[Tensor] = None
        self.wake_steps = 0

    def extra_repr(self) -> str:
        return (f'{super().extra_repr()}, max_spikes={self.max_spikes}, '
                f'shift={self.shift:g}')
