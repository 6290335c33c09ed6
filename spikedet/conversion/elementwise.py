"""Element-wise functions that no neuron computes (SiLU, GELU, sigmoid, ...).

Conversion makes each one a site of kind ``'elementwise'`` whose spiking
replacement is a :class:`~spikedet.neurons.CompensatedOp` around the ANN's
own module or function: exact on rates at every read-out (see
``any_detector.md`` §1). Max-poolings the spiking max-pool does not cover
(adaptive, 1-d, 3-d: Libra R-CNN's feature gathering) are made exact the
same way: like a max-pool of spikes, they compute no analog work worth
charging. Modules are recognised by class name, so mmcv's ``Swish``,
``HSwish`` and ``HSigmoid`` count without importing mmcv.
"""
import functools
from typing import Callable, Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..neurons.stateful import opaque

#: Element-wise activation modules, by class name.
ELEMENTWISE_MODULES = (
    'SiLU', 'Swish', 'GELU', 'Sigmoid', 'Tanh', 'Hardswish', 'HSwish',
    'Hardsigmoid', 'HSigmoid', 'Mish', 'ELU', 'SELU', 'CELU', 'Softplus',
    'Softsign', 'PReLU', 'LogSigmoid', 'Tanhshrink', 'AdaptiveMaxPool1d',
    'AdaptiveMaxPool2d', 'AdaptiveMaxPool3d', 'MaxPool1d', 'MaxPool3d')

#: Element-wise functional calls: the call -> (name, the out-of-place
#: function computing it).
ELEMENTWISE_FUNCS: Dict[Callable, Tuple[str, Callable]] = {
    F.silu: ('SiLU', F.silu), F.gelu: ('GELU', F.gelu),
    F.mish: ('Mish', F.mish), F.hardswish: ('Hardswish', F.hardswish),
    F.hardsigmoid: ('Hardsigmoid', F.hardsigmoid),
    F.elu: ('ELU', F.elu), F.elu_: ('ELU', F.elu),
    F.selu: ('SELU', F.selu), F.celu: ('CELU', F.celu),
    F.softplus: ('Softplus', F.softplus),
    F.softsign: ('Softsign', F.softsign), F.prelu: ('PReLU', F.prelu),
    F.logsigmoid: ('LogSigmoid', F.logsigmoid),
    F.tanhshrink: ('Tanhshrink', F.tanhshrink),
    **{f: ('sigmoid', torch.sigmoid) for f in (
        F.sigmoid, torch.sigmoid, torch.Tensor.sigmoid, torch.sigmoid_,
        torch.Tensor.sigmoid_)},
    **{f: ('tanh', torch.tanh) for f in (
        F.tanh, torch.tanh, torch.Tensor.tanh, torch.tanh_,
        torch.Tensor.tanh_)},
    **{f: ('exp', torch.exp) for f in (torch.exp, torch.Tensor.exp,
                                        torch.exp_, torch.Tensor.exp_)},
    **{f: ('clamp', torch.clamp) for f in (
        torch.clamp, torch.Tensor.clamp, torch.clamp_, torch.Tensor.clamp_,
        torch.clip, torch.Tensor.clip)},
    **{f: ('clamp', torch.clamp_min) for f in (
        torch.clamp_min, torch.Tensor.clamp_min, torch.Tensor.clamp_min_)},
    **{f: ('clamp', torch.clamp_max) for f in (
        torch.clamp_max, torch.Tensor.clamp_max, torch.Tensor.clamp_max_)},
    **{f: ('abs', torch.abs) for f in (torch.abs, torch.Tensor.abs,
                                        torch.abs_, torch.Tensor.abs_)},
    F.adaptive_max_pool1d: ('adaptive max-pooling', F.adaptive_max_pool1d),
    F.adaptive_max_pool2d: ('adaptive max-pooling', F.adaptive_max_pool2d),
    F.adaptive_max_pool3d: ('adaptive max-pooling', F.adaptive_max_pool3d),
    F.max_pool1d: ('max-pooling', F.max_pool1d),
    F.max_pool3d: ('max-pooling', F.max_pool3d),
}


def is_max_pooling(op: str) -> bool:
    """Whether an element-wise site's ``op`` name is a max-pooling (the
    rate-exact pools: adaptive, 1-d, 3-d)."""
    return 'maxpool' in op.lower().replace('max-pool', 'maxpool')


def is_elementwise_module(module: nn.Module) -> bool:
    """Whether ``module`` is an element-wise activation of the list."""
    return type(module).__name__ in ELEMENTWISE_MODULES


def elementwise_call(func: Callable, args, kwargs
                     ) -> Optional[Tuple[str, Callable[[Tensor], Tensor]]]:
    """``(name, f)`` of an element-wise functional call, ``f`` a function
    of one tensor, out of place, with the call's other arguments (a GELU's
    ``approximate``, a PReLU's weight) bound; None for any other call."""
    found = ELEMENTWISE_FUNCS.get(func)
    if found is None:
        return None
    options = {k: v for k, v in kwargs.items() if k != 'inplace'}
    return found[0], functools.partial(_call, found[1], args[1:], options)


def _call(func: Callable, rest, options, x: Tensor) -> Tensor:
    return func(x, *rest, **options)


class AnnFunction(nn.Module):
    """The ANN's function at a rate-exact site (element-wise, or an island
    with one or two inputs), as a module: what passes
    that run the network before its neurons exist (threshold learning)
    install there.

    Args:
        fn: The site's ``fn`` (its spec's parameter).
        site_spec: The site's spec, where the network is traced again
            with this module in place (a quantized ANN is converted): the
            module is then that site (see
            :func:`~spikedet.conversion.ops.module_activation_spec`), not a
            network whose calls are sites of their own. Defaults to None.
    """

    def __init__(self, fn: Callable[[Tensor], Tensor],
                 site_spec: Optional[object] = None) -> None:
        super().__init__()
        self.fn = fn
        self.site_spec = site_spec

    def forward(self, *inputs: Tensor) -> Tensor:
        with opaque():  # not a site of the module that calls it
            return self.fn(*inputs)
