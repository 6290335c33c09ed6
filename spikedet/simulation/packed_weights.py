"""Convolution weights laid out for oneDNN once per simulation (CPU)."""
from contextlib import contextmanager
from typing import Dict, Iterator, Optional, Tuple

import torch
from torch import Tensor, nn

# The packed weight of one module for one input shape: (key, weight).
_Packed = Tuple[Tuple, Tensor]


def packs(module: nn.Module) -> bool:
    """Whether :func:`packed_convolutions` can take over ``module``'s
    convolution: a plain ``nn.Conv2d`` (or a subclass that keeps its
    forward) with zero padding given as numbers, and a torch with oneDNN."""
    return (isinstance(module, nn.Conv2d)
            and type(module).forward is nn.Conv2d.forward
            and type(module)._conv_forward is nn.Conv2d._conv_forward
            and module.padding_mode == 'zeros'
            and not isinstance(module.padding, str)
            and torch.backends.mkldnn.is_available())


def _fits(x: Tensor, weight: Tensor) -> bool:
    # float32 NHWC on the CPU, outside autograd: where torch's own
    # convolution calls oneDNN on the same layout (a tensor that is also
    # NCHW-contiguous, e.g. 1 x 1 maps, is left to torch).
    return (x.device.type == 'cpu' and x.dtype == weight.dtype == torch.float32
            and x.dim() == 4 and not torch.is_grad_enabled()
            and torch.backends.mkldnn.enabled
            and x.is_contiguous(memory_format=torch.channels_last)
            and not x.is_contiguous())


@contextmanager
def packed_convolutions(net: nn.Module) -> Iterator[None]:
    """Inside the context, each convolution of ``net`` that :func:`packs`
    lays its weight out for oneDNN at its first call (per input shape) and
    reuses it at every later step.

    ``F.conv2d`` reorders a convolution's weight into oneDNN's blocked
    layout at every call; a simulation calls the same convolution with the
    same weight T times. For float32 channels-last inputs on the CPU (the
    layout of a detector's stage 1 there) the call goes to
    ``torch.ops.mkldnn._convolution_pointwise`` with the weight packed once
    (``mkldnn_reorder_conv2d_weight``), as torch.compile's CPU freezing
    does. The output is the same oneDNN convolution's: bit-identical to
    ``F.conv2d`` (``tests/test_simulation/test_packed_weights.py``). The
    bias is read at every call (sleep steps zero it). Other inputs
    (NCHW, float64, autograd, an accelerator) run ``F.conv2d`` as before.
    A packed weight is keyed by the weight's storage and version and the
    input's shape, so a changed weight is packed again; all are freed when
    the context exits.
    """
    cache: Dict[nn.Module, Optional[_Packed]] = {}
    patched = []

    def wrap(module: nn.Conv2d) -> None:
        original = module._conv_forward

        def conv_forward(x: Tensor, weight: Tensor,
                         bias: Optional[Tensor]) -> Tensor:
            if not _fits(x, weight):
                return original(x, weight, bias)
            key = (weight.data_ptr(), weight._version, tuple(x.shape))
            hit = cache.get(module)
            if hit is None or hit[0] != key:
                packed = torch._C._nn.mkldnn_reorder_conv2d_weight(
                    weight.to_mkldnn(), list(module.padding),
                    list(module.stride), list(module.dilation),
                    module.groups, list(x.shape))
                hit = cache[module] = (key, packed)
            return torch.ops.mkldnn._convolution_pointwise(
                x, hit[1], bias, list(module.padding), list(module.stride),
                list(module.dilation), module.groups, 'none', [], '')

        module._conv_forward = conv_forward
        patched.append(module)

    for module in net.modules():
        if packs(module):
            wrap(module)
    try:
        yield
    finally:
        for module in patched:
            del module._conv_forward  # back to the class's
