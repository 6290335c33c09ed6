"""Zero every constant current of a network for CASC's sleep steps."""
from contextlib import contextmanager
from typing import Iterator, List, Tuple

import torch
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from ..conversion.ops import SYNAPTIC_MODULES


def constant_currents(model: nn.Module) -> List[Tensor]:
    """Tensors that inject input-independent charge every step: the biases
    of conv / linear layers, and the running mean and shift of any
    BatchNorm that was not folded (in eval mode BN is ``a * x + c``)."""
    tensors: List[Tensor] = []
    for module in model.modules():
        if isinstance(module, SYNAPTIC_MODULES) and module.bias is not None:
            tensors.append(module.bias)
        elif isinstance(module, _BatchNorm):
            if module.running_mean is not None:
                tensors.append(module.running_mean)
            if module.affine:
                tensors.append(module.bias)
    return tensors


@contextmanager
def zeroed_constant_currents(model: nn.Module) -> Iterator[None]:
    """Zero :func:`constant_currents` inside the block; restore them bit for
    bit afterwards, also on error."""
    saved: List[Tuple[Tensor, Tensor]] = []
    with torch.no_grad():
        for tensor in constant_currents(model):
            saved.append((tensor, tensor.detach().clone()))
            tensor.zero_()
    try:
        yield
    finally:
        with torch.no_grad():
            for tensor, value in saved:
                tensor.copy_(value)
