"""Spiking max-pooling: the cumulative-max difference rule."""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .stateful import StatefulModule, opaque, split_steps


class SpikingMaxPool2d(StatefulModule):
    """Max-pooling of spike counts, exact at every timestep.

    Keeps ``C``, the cumulative input, and ``P = maxpool(C)`` of the previous
    step, and emits ``maxpool(C_t) - P_{t-1}``. The cumulative output therefore
    equals ``maxpool`` of the cumulative input at every ``t``: the pooled rate
    is exactly the largest input rate, for any kernel, stride, padding,
    dilation or ``ceil_mode`` and for signed inputs too.

    This is the spec's rule 4 (algorithms_others.md §5.5) and equals the
    generalised lateral-inhibition pooling of SpikeCalib / LIPooling
    (algorithms_casc.md §2.4): there, every window member's accumulator is
    ``C_i - O_{t-1}`` and the output is their maximum, which is the same
    number. We store one input-shaped accumulator instead of the ``k*k``
    unfolded copies. The price of exactness: an output event can carry a
    value above one spike amplitude (when the leading input changes) or
    below zero (when signed inputs retract spikes).

    Args:
        kernel_size, stride, padding, dilation, ceil_mode: As
            :class:`torch.nn.MaxPool2d`.
    """

    # With zero input C stays and the output is 0: a silent fixed point.
    silent_is_fixed_point = True
    emits_spikes = True

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.ceil_mode = ceil_mode
        self.reset()

    @classmethod
    def from_max_pool(cls, pool: nn.MaxPool2d) -> 'SpikingMaxPool2d':
        """Build the spiking counterpart of an ``nn.MaxPool2d``."""
        if pool.return_indices:
            raise ValueError('max-pooling that returns indices has no '
                             'spiking counterpart')
        return cls(pool.kernel_size, pool.stride, pool.padding, pool.dilation,
                   pool.ceil_mode)

    def _pool(self, x: Tensor) -> Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding,
                            self.dilation, self.ceil_mode)

    def forward(self, x: Tensor) -> Tensor:
        """One timestep, or :attr:`chunk` stacked ones (in order)."""
        if self.chunk == 1:
            return self.step(x)
        return torch.cat([self.step(current)
                          for current in split_steps(x, self.chunk)])

    def step(self, x: Tensor) -> Tensor:
        """One timestep: the change of the running input sum's max-pool."""
        self.cumulative = x if self.cumulative is None else self.cumulative + x
        with opaque():
            pooled = self._pool(self.cumulative)
        out = pooled if self.pooled is None else pooled - self.pooled
        self.pooled = pooled
        return out

    def reset(self) -> None:
        self.cumulative: Optional[Tensor] = None
        self.pooled: Optional[Tensor] = None

    def extra_repr(self) -> str:
        return (f'kernel_size={self.kernel_size}, stride={self.stride}, '
                f'padding={self.padding}')
