"""Max-pooling of the membrane input, then a neuron (LTB's pooling rule)."""
from typing import Tuple

import torch.nn.functional as F
from torch import Tensor, nn

from .stateful import StatefulModule, opaque


class MaxPoolThenNeuron(StatefulModule):
    """``neuron(max_pool2d(x))``: the pool acts on the input current of
    each step and one neuron fires per pooled position.

    This replaces a ReLU followed by a max-pool when the pool is the
    ReLU's only reader (``ReLU -> MaxPool`` = ``MaxPool -> ReLU`` in the
    ANN): the ReLU site passes its current on and the neuron sits after
    the pool. Bu et al. (CVPR 2025, Theorem 2) show this keeps the
    conversion bound; it also needs a quarter of the neurons of a 2x2
    pool. Per-step pooling is exact on a constant current (the input
    layer's); on a varying one it pools what arrives each step, not the
    rate, which the bound accounts for.

    Args:
        pool_args: ``(kernel_size, stride, padding, dilation, ceil_mode)``.
        neuron: The neuron after the pool (a per-channel threshold runs
            along the pooled channels, which are the ReLU's).
    """

    # The pool is per sample and the neuron answers for itself: chunked
    # steps and silent steps pass through.
    silent_is_fixed_point = True

    def __init__(self, pool_args: Tuple, neuron: nn.Module) -> None:
        super().__init__()
        self.pool_args = tuple(pool_args)
        self.neuron = neuron

    def forward(self, x: Tensor) -> Tensor:
        with opaque():
            pooled = F.max_pool2d(x, *self.pool_args)
        return self.neuron(pooled)

    def reset(self) -> None:
        """Nothing of its own: :func:`reset_states` resets the neuron."""

    def extra_repr(self) -> str:
        return f'pool_args={self.pool_args}'
