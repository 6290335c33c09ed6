"""The neurons' per-step updates as pure functions, run by a chosen
backend.

A neuron's step is a handful of elementwise operations over its state.
Which code runs it is the simulation's choice, made with
:func:`neuron_steps` (a context, so nothing changes for the rest of the
process):

- ``'torch'`` (the default): pure torch, each operation one pass over
  memory (in place where the state allows), and none makes a bool tensor:
  on CPU a comparison's bool result, its conversion and a select on it
  each cost several float passes, so a comparison writes 0. / 1. in the
  state's dtype and a select is a ``lerp`` or a product by that mask
  (exact at 0 and 1). Runs everywhere.
- ``'native'``: each kernel's fused C step (:mod:`spikedet.neurons.native`)
  on CPU tensors of a layout it reads (planar or channels-last, float32 /
  float64), where the library has been built ahead of time
  (:func:`~spikedet.neurons.native.build_library`); anything else runs the
  torch kernel.
- ``'compile'``: each kernel compiled by ``torch.compile`` (inductor) into
  one fused loop: a one-time compilation (about 20 s per kernel on a
  2-core CPU, cached on disk by inductor) needing a C++ compiler (CPU) or
  Triton (CUDA); if compiling fails, the torch kernels run for the rest of
  the process, with one warning.

All three do the same arithmetic in the same order, so the spikes are
identical (tests/test_neurons/test_kernels.py and test_native.py check 64
steps of every kernel).

Each kernel mutates the state tensors it is given (the membrane, counts)
and returns fresh tensors (the step's spikes and emitted value). The IF
and signed IF kernels also take ``overwrite``: the caller owns the input
``x`` and lets the kernel write the value over it (the fused steps do: no
fresh block, one memory stream fewer; torch and compiled ignore it). The
fused IF, signed IF and consistent IF steps return None for the spikes,
which follow from the value
(:meth:`~spikedet.neurons.base.BaseNeuron.spikes_of`): an IF step writes
two tensors instead of three.
"""
import contextlib
import functools
import warnings
from contextvars import ContextVar
from typing import Callable, Dict, Iterator, Optional, Tuple

import torch
from torch import Tensor

from . import native

#: The neuron step backends (see the module docstring).
BACKENDS = ('torch', 'native', 'compile')
_BACKEND: ContextVar[str] = ContextVar('spikedet_neuron_steps',
                                       default='torch')
_COMPILED: Dict[Callable, Callable] = {}
_COMPILE_FAILED = []  # holds the first failure: compile no more


def check_backend(backend: str) -> str:
    """``backend`` if it is one of :data:`BACKENDS`.

    Raises:
        ValueError: Any other value.
    """
    if backend not in BACKENDS:
        raise ValueError(f'unknown neuron step backend {backend!r}; choose '
                         f'from {", ".join(BACKENDS)}')
    return backend


@contextlib.contextmanager
def neuron_steps(backend: str) -> Iterator[None]:
    """Run the neuron kernels with ``backend`` inside the context (this
    thread or task only; the previous choice comes back after it)."""
    token = _BACKEND.set(check_backend(backend))
    try:
        yield
    finally:
        _BACKEND.reset(token)


def current_backend() -> str:
    """The backend the kernels run with here."""
    return _BACKEND.get()


def effective_backend(backend: str) -> str:
    """What ``backend`` runs on a CPU here: ``'native'`` falls back to
    ``'torch'`` where the library has not been built (see
    :func:`~spikedet.neurons.native.library`)."""
    if check_backend(backend) == 'native' and native.library() is None:
        return 'torch'
    return backend


def _compile_failed(error: Exception) -> None:
    # warnings, not MMLogger: the neurons stay pure torch (the tools route
    # Python warnings into their logs).
    _COMPILE_FAILED.append(error)
    first = str(error).splitlines()[0] if str(error) else ''
    warnings.warn(f'compiling the neuron steps failed '
                  f'({type(error).__name__}: {first}); running them in '
                  'pure torch', RuntimeWarning)


def kernel(fused: Optional[Callable] = None) -> Callable:
    """Make a function a neuron kernel run by the current backend: its
    fused C step ``fused`` (a wrapper of :mod:`spikedet.neurons.native`,
    None where it does not apply) under ``'native'`` if that returns a
    result, the function compiled under ``'compile'``, else the function.
    ``kernel(...)(fn).eager`` is ``fn``."""

    def wrap(fn: Callable) -> Callable:

        @functools.wraps(fn)
        def dispatch(*args):
            backend = _BACKEND.get()
            if backend == 'native' and fused is not None:
                out = fused(*args)
                if out is not None:
                    return out
            elif backend == 'compile' and not _COMPILE_FAILED:
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
