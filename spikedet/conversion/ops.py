"""Which torch calls are activation sites, pooling sites, or unconvertible.

A *site* is one call of a nonlinear operation during a forward pass. The
converter gives each site its own spiking replacement. Linear operations
(conv, linear, add, concat, average pooling, nearest / bilinear upsampling,
RoIAlign, reshapes) need none: they act on spike trains as they act on rates.
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .clip_floor import ClipFloor, SignedClipFloor, channel_view
from .elementwise import elementwise_call, is_elementwise_module
from .islands import ISLAND_REMEDIES, island_call, island_module
from .products import PRODUCT_REMEDY

#: Synaptic layers, the one definition: modules and functions that weigh
#: their input (spikes in, analog out). Conversion puts identity sites in
#: front of them, the monitor counts their synaptic operations and analog
#: MACs, the simulator caches those fed by the constant input and zeroes
#: their biases in sleep steps.
SYNAPTIC_MODULES = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d,
                    nn.ConvTranspose2d, nn.ConvTranspose3d, nn.Linear)
SYNAPTIC_FUNCS = (F.conv1d, F.conv2d, F.conv3d, F.conv_transpose1d,
                  F.conv_transpose2d, F.conv_transpose3d, F.linear)


@dataclass(frozen=True)
class ActivationSpec:
    """What an activation site computes.

    Attributes:
        kind: ``'relu'``, ``'clip'`` (clamp to ``[0, upper]``: ReLU6,
            Hardtanh(0, m)), ``'leaky_relu'``, ``'clip_floor'``,
            ``'identity'`` (a synaptic layer's analog input: the ANN
            computes nothing there, the SNN puts a signed neuron),
            ``'signed_clip_floor'`` (an identity site of a
            quantization-aware ANN), ``'elementwise'`` (any other
            element-wise function, SiLU, GELU, sigmoid, ...: the SNN
            computes it rate-exactly, see :class:`CompensatedOp`) or
            ``'island'`` (a normalisation or softmax, rate-exact too but
            computing on analog values, see :mod:`.islands`).
        params: ``upper`` for clip, ``slope`` for leaky_relu, ``levels``,
            ``top`` and ``shift`` for clip_floor, plus ``neg_top`` for
            signed_clip_floor (a float, or a ``[C]`` tensor for a
            channel-wise clip-floor); ``op`` (its name) and ``fn`` (the
            ANN's own module or function of one tensor) for elementwise
            and island, plus ``work`` (analog operations per output
            element and step) for island.
    """
    kind: str
    params: Dict[str, Any] = field(default_factory=dict)

    @property
    def signed(self) -> bool:
        """Whether the site passes negative values on."""
        return self.kind in SIGNED_KINDS

    @property
    def compensated(self) -> bool:
        """Whether a rate-exact function replaces the site (no neuron,
        analog output: ``'elementwise'`` or ``'island'``)."""
        return self.kind in COMPENSATED_KINDS

    @property
    def rectifying(self) -> bool:
        """Whether the site outputs 0 for every input <= 0 (ReLU-type)."""
        return self.kind in ('relu', 'clip', 'clip_floor')

    def __str__(self) -> str:
        args = ', '.join(f'{k}={_describe(v)}'
                         for k, v in self.params.items())
        return f'{self.kind}({args})' if args else self.kind


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f'[{value.numel()} channels]'
    if isinstance(value, str):
        return value
    if callable(value):
        return getattr(value, '__name__', type(value).__name__)
    return f'{value:g}'


def _top(top: torch.Tensor) -> Any:
    """A clip-floor's top as a spec parameter: a float, or a copy of the
    ``[C]`` tops of a channel-wise one."""
    return float(top) if top.dim() == 0 else top.detach().clone()


SIGNED_KINDS = ('leaky_relu', 'identity', 'signed_clip_floor')
#: Sites computed by a rate-exact function (no neuron, analog output).
COMPENSATED_KINDS = ('elementwise', 'island')
IDENTITY = ActivationSpec('identity')

# Activation modules become sites as a whole (their internals are not traced).
def module_activation_spec(module: nn.Module) -> Optional[ActivationSpec]:
    """The :class:`ActivationSpec` of an activation module, else None."""
    kept = getattr(module, 'site_spec', None)  # a site kept in ANN form
    if kept is not None:
        return kept
    if isinstance(module, SignedClipFloor):
        return ActivationSpec('signed_clip_floor', dict(
            levels=module.levels, top=_top(module.positive.top),
            neg_top=_top(module.negative.top), shift=module.shift))
    if isinstance(module, ClipFloor):
        return ActivationSpec('clip_floor', dict(levels=module.levels,
                                                top=_top(module.top),
                                                shift=module.shift))
    if isinstance(module, nn.ReLU6):
        return ActivationSpec('clip', dict(upper=6.0))
    if isinstance(module, nn.Hardtanh) and module.min_val == 0:
        return ActivationSpec('clip', dict(upper=float(module.max_val)))
    if isinstance(module, nn.ReLU):
        return ActivationSpec('relu')
    if isinstance(module, nn.LeakyReLU):
        return ActivationSpec('leaky_relu',
                              dict(slope=float(module.negative_slope)))
    if is_elementwise_module(module):
        return ActivationSpec('elementwise', dict(op=type(module).__name__,
                                                  fn=module))
    island = island_module(module)
    if island is not None:
        return ActivationSpec('island', dict(op=type(module).__name__,
                                             fn=island[0], work=island[1]))
    return None


def apply_activation(spec: ActivationSpec, x: torch.Tensor) -> torch.Tensor:
    """What the ANN computed at a site of kind ``spec`` (BN folded)."""
    if spec.kind == 'relu':
        return F.relu(x)
    if spec.kind == 'clip':
        return torch.clamp(x, 0, spec.params['upper'])
    if spec.kind == 'leaky_relu':
        return F.leaky_relu(x, spec.params['slope'])
    if spec.kind == 'clip_floor':
        return _clip_floor(x, spec.params['top'], spec.params['levels'],
                           spec.params['shift'])
    if spec.kind == 'identity':
        return x
    if spec.kind in COMPENSATED_KINDS:
        return spec.params['fn'](x)
    if spec.kind == 'signed_clip_floor':
        p = spec.params
        return (_clip_floor(x, p['top'], p['levels'], p['shift'])
                - _clip_floor(-x, p['neg_top'], p['levels'], p['shift']))
    raise ValueError(f'unknown activation kind {spec.kind!r}')


def _clip_floor(x: torch.Tensor, top: Any, levels: int,
                shift: float) -> torch.Tensor:
    top = channel_view(top, x)
    u = torch.clamp(x / top, 0, 1)
    return top * torch.floor(u * levels + shift) / levels


def _arg(args, kwargs, index: int, name: str, default: Any) -> Any:
    if len(args) > index:
        return args[index]
    return kwargs.get(name, default)


def _hardtanh_spec(args, kwargs) -> Optional[ActivationSpec]:
    low = _arg(args, kwargs, 1, 'min_val', -1.0)
    high = _arg(args, kwargs, 2, 'max_val', 1.0)
    return ActivationSpec('clip', dict(upper=float(high))) if low == 0 else None


_FUNCTIONAL_ACTIVATIONS: Dict[Callable, Callable] = {
    F.relu: lambda a, k: ActivationSpec('relu'),
    F.relu_: lambda a, k: ActivationSpec('relu'),
    torch.relu: lambda a, k: ActivationSpec('relu'),
    torch.relu_: lambda a, k: ActivationSpec('relu'),
    torch.Tensor.relu: lambda a, k: ActivationSpec('relu'),
    torch.Tensor.relu_: lambda a, k: ActivationSpec('relu'),
    F.relu6: lambda a, k: ActivationSpec('clip', dict(upper=6.0)),
    F.hardtanh: _hardtanh_spec,
    F.hardtanh_: _hardtanh_spec,
    F.leaky_relu: lambda a, k: ActivationSpec(
        'leaky_relu', dict(slope=float(_arg(a, k, 1, 'negative_slope', .01)))),
    F.leaky_relu_: lambda a, k: ActivationSpec(
        'leaky_relu', dict(slope=float(_arg(a, k, 1, 'negative_slope', .01)))),
}


def functional_activation_spec(func: Callable, args,
                               kwargs) -> Optional[ActivationSpec]:
    """The :class:`ActivationSpec` of a functional activation call, or None."""
    rule = _FUNCTIONAL_ACTIVATIONS.get(func)
    if rule is not None:
        return rule(args, kwargs or {})
    found = elementwise_call(func, args, kwargs or {})
    if found is not None:
        return ActivationSpec('elementwise', dict(op=found[0], fn=found[1]))
    island = island_call(func, args, kwargs or {})
    if island is not None:
        return ActivationSpec('island', dict(op=island[0], fn=island[1],
                                             work=island[2]))
    return None


MAX_POOL_FUNCS = (F.max_pool2d, torch.max_pool2d)


def pool_args_from_call(args, kwargs) -> Tuple:
    """``(kernel_size, stride, padding, dilation, ceil_mode)`` of a
    functional max-pool call."""
    names = ('kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode')
    defaults = (None, None, 0, 1, False)
    values = []
    for i, (name, default) in enumerate(zip(names, defaults)):
        values.append(args[i + 1] if len(args) > i + 1 else
                      kwargs.get(name, default))
    if values[1] is None or values[1] == []:
        values[1] = values[0]
    return tuple(values)


def is_identity_max_pool(args, kwargs) -> bool:
    """A 1x1 max-pool is a strided subsampling: linear, no site needed."""
    kernel = _arg(args, kwargs or {}, 1, 'kernel_size', None)
    padding = _arg(args, kwargs or {}, 3, 'padding', 0)
    return kernel in (1, (1, 1)) and padding in (0, (0, 0))


# Known nonlinear operations with no spiking counterpart here. Meeting one
# inside the traced network stops conversion with its module path.
UNSUPPORTED_FUNCS: Dict[Callable, str] = {
    F.rrelu: 'RReLU', F.glu: 'GLU', F.softmin: 'softmax',
    torch.maximum: 'maximum', torch.minimum: 'minimum',
    F.scaled_dot_product_attention: 'attention',
}


_ACTIVATION_REMEDY = (
    "fine-tune the ANN with ReLU / LeakyReLU (act_cfg=dict(type='ReLU')) "
    'or with the clip-floor quantizer (configs/*_casc-l8.py show how)')
_REMEDIES: Dict[str, str] = {
    'attention': 'a bare attention call is not an island; compute it '
                 "inside torch's or mmcv's MultiheadAttention, which "
                 'converts as one',
    **ISLAND_REMEDIES,
    **{op: PRODUCT_REMEDY for op in ('product', 'matmul', 'quotient')},
}
_ELEMENTWISE = ('maximum', 'minimum')


def unsupported_remedy(op: str) -> str:
    """What a user can do about ``op``: one clause for the conversion
    error."""
    if op not in _REMEDIES and op not in _ELEMENTWISE:
        return _ACTIVATION_REMEDY
    if op in _ELEMENTWISE:
        return ("it is nonlinear; if it shapes the head's output, move it "
                "behind the network's output (into the head's decoding, "
                'predict_by_feat), else fine-tune without it')
    return _REMEDIES[op]


#: Modules with no spiking counterpart, by class name, with the remedy.
UNSUPPORTED_MODULES: Dict[str, str] = {}
