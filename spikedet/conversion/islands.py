"""Analog islands: operations that are not element-wise, made rate-exact.

A normalisation (GroupNorm, LayerNorm, SSD's L2Norm) or a softmax computes
on all of its input at once. Conversion makes each call a site of kind
``'island'`` whose spiking replacement is a
:class:`~spikedet.neurons.CompensatedOp` around the ANN's own module or
function: exact on rates at every read-out, but computing on analog values
at every wake step (``any_detector.md`` §1). That work is charged in the
energy estimate and the conversion summary names every island;
``spike_driven='strict'`` refuses them for users who target neuromorphic
hardware.

Attention (:mod:`.attention`) is an island the same way.

A deformable convolution (mmcv's ``DeformConv2dPack`` / ``ModulatedDeformConv2dPack``,
mmdet's ``dcn=dict(type='DCN')``) samples its input at offsets computed
from that input: nonlinear in it, so it is an island too, computing on the
average input with offsets from the average (its offset convolution is a
synaptic layer charged as analog MACs).

Work per output element per wake step, in multiply-accumulate equivalents
charged at the MAC energy [our choice, stated with the energy model]:
GroupNorm / LayerNorm / InstanceNorm 4 (the sum and the sum of squares
for the statistics, the normalisation, the affine), L2Norm 3 (the sum of
squares, the division, the scale), softmax 3 (the exponential, the sum,
the division), a deformable convolution its weights per output (the
bilinear sampling not counted).
"""
import functools
from typing import Callable, Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .attention import ATTENTION_MODULES, ATTENTION_REMEDY, AttentionFunction

_NORM_WORK, _L2_WORK, _SOFTMAX_WORK = 4, 3, 3

#: Island modules, by class name -> work per output element.
ISLAND_MODULES: Dict[str, int] = {
    'GroupNorm': _NORM_WORK, 'LayerNorm': _NORM_WORK,
    'InstanceNorm1d': _NORM_WORK, 'InstanceNorm2d': _NORM_WORK,
    'L2Norm': _L2_WORK, 'Softmax': _SOFTMAX_WORK}

#: Island functional calls: the call -> (name, out-of-place function, work
#: per output element).
ISLAND_FUNCS: Dict[Callable, Tuple[str, Callable, int]] = {
    F.group_norm: ('GroupNorm', F.group_norm, _NORM_WORK),
    F.layer_norm: ('LayerNorm', F.layer_norm, _NORM_WORK),
    F.instance_norm: ('InstanceNorm', F.instance_norm, _NORM_WORK),
    F.normalize: ('L2Norm', F.normalize, _L2_WORK),
    **{f: ('softmax', f, _SOFTMAX_WORK) for f in (
        F.softmax, torch.softmax, torch.Tensor.softmax)},
    **{f: ('log_softmax', f, _SOFTMAX_WORK) for f in (
        F.log_softmax, torch.log_softmax, torch.Tensor.log_softmax)},
}

#: What a user targeting purely spiking hardware can do about an island.
_NORM_REMEDY = (
    "it normalises by each input's own statistics, which no fixed weight "
    "can fold; fine-tune with BatchNorm (norm_cfg=dict(type='BN')), which "
    'folds into the convolution before it')
ISLAND_REMEDIES: Dict[str, str] = {
    **{op: _NORM_REMEDY for op in ('GroupNorm', 'LayerNorm', 'InstanceNorm',
                                   'InstanceNorm1d', 'InstanceNorm2d')},
    'L2Norm': "it divides each position by its own L2 norm; fine-tune "
              'without it (SSDNeck(l2_norm_scale=None))',
    **{op: 'it divides activations by their sum; move it behind the '
           "network's output (into the head's decoding)"
       for op in ('Softmax', 'softmax', 'log_softmax')},
    **{op: 'it samples its input at offsets computed from that input; '
           'fine-tune without deformable convolutions (backbone dcn=None)'
       for op in ('DeformConv2dPack', 'ModulatedDeformConv2dPack')},
    **{op: ATTENTION_REMEDY for op in ATTENTION_MODULES},
}


#: Deformable convolutions, by class name.
DEFORMABLE_MODULES = ('DeformConv2dPack', 'ModulatedDeformConv2dPack')


class ContiguousInput(nn.Module):
    """Runs ``module`` (a child, saved with the network) on a contiguous
    copy of its input: mmcv's deformable convolutions refuse the
    channels-last layout the simulator may use (for their offsets too, so
    a network holding one is not laid out channels-last at all, see
    :attr:`requires_contiguous`)."""

    #: Read by the detectors: weights and inputs stay contiguous.
    requires_contiguous = True

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.module = module

    def forward(self, x: Tensor) -> Tensor:
        return self.module(x.contiguous())


def island_module(module: nn.Module) -> Optional[Tuple[nn.Module, int]]:
    """``(f, work per output element)`` of an island module (``f`` the
    module, or a wrapper of it), None for other modules."""
    name = type(module).__name__
    if name in ATTENTION_MODULES:  # its work is known at each call
        return AttentionFunction(module), 1
    if name in DEFORMABLE_MODULES:
        return ContiguousInput(module), int(module.weight[0].numel())
    work = ISLAND_MODULES.get(name)
    return None if work is None else (module, work)


def island_call(func: Callable, args, kwargs
                ) -> Optional[Tuple[str, Callable[[Tensor], Tensor], int]]:
    """``(name, f, work)`` of an island functional call, ``f`` a function
    of its first tensor with the call's other arguments (the groups, the
    affine parameters, the dimension) bound; None for any other call."""
    found = ISLAND_FUNCS.get(func)
    if found is None:
        return None
    name, fn, work = found
    return name, functools.partial(_call, fn, args[1:], dict(kwargs)), work


def _call(func: Callable, rest, options, x: Tensor) -> Tensor:
    return func(x, *rest, **options)
