"""The neurons' per-step updates as pure functions: fused, compiled or
eager.

A neuron's step is a handful of elementwise operations over its state.
Each kernel runs, in this order of preference:

1. its fused C step (:mod:`spikedet.neurons.native`; every kernel
   here): one loop over the state, on CPU tensors of a layout it reads
   (planar or channels-last, float32 / float64), where a C compiler built
   the library; on by default (``SPIKEDET_NATIVE_STEPS=0`` turns it off);
2. compiled by ``torch.compile`` (inductor) into one fused loop, while
   :func:`set_compiled_steps` is on (``tools/test.py --compile``): a
   one-time compilation (about 20 s per kernel on a 2-core CPU, cached on
   disk by inductor) and a C++ compiler (CPU) or Triton (CUDA) needed; if
   compiling fails, the kernels fall back to eager for the rest of the
   process with one warning;
3. eager torch: each operation one pass over memory (in place where the
   state allows), and none makes a bool tensor: on CPU a comparison's
   bool result, its conversion and a select on it each cost several
   float passes, so a comparison writes 0. / 1. in the state's dtype and
   a select is a ``lerp`` or a product by that mask (exact at 0 and 1).

All three do the same arithmetic in the same order, so the spikes are
identical (tests/test_neurons/test_kernels.py and test_native.py check 64
steps of every kernel).

Each kernel mutates the state tensors it is given (the membrane, counts)
and returns fresh tensors (the step's spikes and emitted value). The IF
and signed IF kernels also take ``overwrite``: the caller owns the input
``x`` and lets the kernel write the value over it (the fused steps do: no
fresh block, one memory stream fewer; eager and compiled ignore it). The
fused IF, signed IF and consistent IF steps return None for the spikes,
which follow from the value
(:meth:`~spikedet.neurons.base.BaseNeuron.spikes_of`): an IF step writes
two tensors instead of three.
"""
import functools
import warnings
from typing import Callable, Dict, Optional, Tuple

import torch
from torch import Tensor

from . import native

_SETTINGS = dict(compiled=False)
_COMPILED: Dict[Callable, Callable] = {}


def set_compiled_steps(enabled: bool = True) -> None:
    """Run the neuron kernels compiled (``True``) or eagerly (``False``)."""
    _SETTINGS['compiled'] = bool(enabled)


def compiled_steps() -> bool:
    """Whether the neuron kernels currently run compiled."""
    return _SETTINGS['compiled']


def _compile_failed(error: Exception) -> None:
    # warnings, not MMLogger: the neurons stay pure torch (the tools route
    # Python warnings into their logs).
    _SETTINGS['compiled'] = False
    first = str(error).splitlines()[0] if str(error) else ''
    warnings.warn(f'compiling the neuron steps failed '
                  f'({type(error).__name__}: {first}); running them eagerly',
                  RuntimeWarning)


def kernel(fused: Optional[Callable] = None) -> Callable:
    """Make a function a neuron kernel: its fused C step ``fused`` (a
    wrapper of :mod:`spikedet.neurons.native`, None where it does not
    apply) if it returns a result, else the function compiled while
    :func:`compiled_steps` is on, else eager. ``kernel(...)(fn).eager``
    is ``fn``."""

    def wrap(fn: Callable) -> Callable:

        @functools.wraps(fn)
        def dispatch(*args):
            if fused is not None:
                out = fused(*args)
                if out is not None:
                    return out
            if _SETTINGS['compiled']:
                compiled = _COMPILED.get(fn)
                if compiled is None:
                    compiled = _COMPILED[fn] = torch.compile(
                        fn, dynamic=True, fullgraph=True)
                try:
                    return compiled(*args)
                except Exception as error:  # no compiler, unsupported backend
                    _compile_failed(error)
            return fn(*args)

        dispatch.eager = fn
        return dispatch

    return wrap


def _ge(a: Tensor, b: Tensor) -> Tensor:
    # ``a >= b`` as 0. / 1. in ``a``'s dtype, written directly: on CPU a
    # bool result and its conversion cost several times a float pass.
    return torch.ge(a, b, out=torch.empty_like(a))


def _le(a: Tensor, b: Tensor) -> Tensor:
    return torch.le(a, b, out=torch.empty_like(a))


def _gt(a: Tensor, b: Tensor) -> Tensor:
    return torch.gt(a, b, out=torch.empty_like(a))


@kernel(native.if_subtract)
def if_subtract(v: Tensor, x: Tensor, theta: Tensor, max_spikes: int,
                overwrite: bool = False) -> Tuple[Tensor, Tensor]:
    """IF with reset by subtraction: ``v += x``; ``s = [v >= theta]`` (or
    ``clamp(floor(v / theta), 0, max_spikes)`` for bursts);
    ``v -= s theta``. Returns ``(s, s theta)``."""
    v.add_(x)
    if max_spikes == 1:
        spikes = _ge(v, theta)
    else:
        spikes = torch.div(v, theta).floor_().clamp_(0, max_spikes)
    value = spikes * theta
    v.sub_(value)
    return spikes, value


@kernel(native.signed_if)
def signed_if(v: Tensor, x: Tensor, theta: Tensor, fire_neg: Tensor,
              carry_neg: Tensor, leaky: bool, overwrite: bool = False
              ) -> Tuple[Tensor, Tensor]:
    """Signed IF with reset by subtraction: ``+1`` at ``v >= theta``
    (``v -= theta``), ``-1`` at ``v <= fire_neg`` (``fire_neg < 0``;
    ``v -= fire_neg``); a negative spike carries ``carry_neg`` (``< 0``),
    the same as ``fire_neg`` unless ``leaky``. Returns ``(s, value)``.

    Both signs cannot fire at once, so ``pos theta + neg fire_neg`` is
    exactly the one that fired (or 0), and subtracting its two terms one
    after the other from ``v`` is exact too."""
    v.add_(x)
    pos = _ge(v, theta)
    neg = _le(v, fire_neg)
    value = torch.mul(pos, theta)
    v.sub_(value).addcmul_(neg, fire_neg, value=-1)
    value.addcmul_(neg, carry_neg if leaky else fire_neg)
    return pos.sub_(neg), value


@kernel(native.consistent_if)
def consistent_if(v: Tensor, count: Tensor, x: Tensor, theta: Tensor,
                  wake_steps: int, max_spikes: int) -> Tuple[Tensor, Tensor]:
    """CASC's consistent IF step (see :class:`ConsistentIFNeuron`):
    ``s = clamp(floor(v / theta), -min(gamma, S), min(gamma, t - S))``;
    ``S += s``; ``v -= s theta``. Returns ``(s, s theta)``."""
    v.add_(x)
    low = torch.clamp(count, max=max_spikes).neg_()
    high = torch.rsub(count, wake_steps).clamp_(max=max_spikes)
    spikes = torch.div(v, theta).floor_().clamp_(low, high)
    count.add_(spikes)
    value = spikes * theta
    v.sub_(value)
    return spikes, value


@kernel(native.signed_consistent_if)
def signed_consistent_if(v: Tensor, count: Tensor, count_value: Tensor,
                         x: Tensor, theta: Tensor, theta_neg: Tensor,
                         shift: float, wake_steps: int, max_spikes: int
                         ) -> Tuple[Tensor, Tensor, Tensor]:
    """The signed consistent IF step (see
    :class:`SignedConsistentIFNeuron`). Returns ``(s, E(S), emitted)``
    with ``emitted = E(S) - count_value`` (``count_value``: E of the count
    before the step)."""
    v.add_(x)
    # lerp(a, b, w) is exactly a at w = 0 and b at w = 1: a select by a
    # 0. / 1. mask without a bool tensor (several passes' cost on CPU).
    scale = torch.lerp(theta_neg, theta, _ge(v, 0.0))
    level = v.abs().div_(scale).add_(shift).floor_().clamp_(max=wake_steps)
    spikes = torch.copysign(level, v).sub_(count).clamp_(-max_spikes,
                                                         max_spikes)
    count.add_(spikes)
    value = torch.lerp(theta_neg, theta, _gt(count, 0.0)).mul_(count)
    return spikes, value, value - count_value
