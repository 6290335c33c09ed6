"""Fused CPU neuron steps: a small C library built on first use.

An eager IF step makes four passes over memory (charge, compare, scale,
reset) and a signed one six; on a CPU those passes, not arithmetic, are
the neurons' cost. ``csrc/neuron_steps.c`` does each step in one loop,
with the eager kernel's float operations in the same order, so its
results are bit-identical (tests/test_neurons/test_native.py).

The library is compiled once per machine with the C compiler of ``$CC``
(else ``cc``) into ``$SPIKEDET_KERNEL_CACHE`` (default
``~/.cache/spikedet/kernels``), under a name that hashes the source, the
flags and the compiler, so an edit or another compiler builds afresh; it
is published by an atomic rename, so concurrent processes never load half
a file. Built without ``-march=native``, the file also runs on other
x86-64 machines that share the cache. No compiler, a failed build, a
non-CPU tensor, a dtype other than float32 / float64, a non-contiguous
layout or a threshold that is not one value per channel along dim 1:
each wrapper returns None and the caller runs its eager kernel.
``SPIKEDET_NATIVE_STEPS=0`` or :func:`set_native_steps` turn it off.

OpenMP shares a step's rows between ``torch.get_num_threads()`` threads
of the runtime torch has already loaded (libgomp.so.1): one thread pool,
no oversubscription.
"""
import ctypes
import functools
import hashlib
import math
import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence, Tuple

import torch
from torch import Tensor

SOURCE = Path(__file__).with_name('csrc') / 'neuron_steps.c'
# -ffp-contract=off: no fused multiply-adds (eager rounds each product);
# -fno-trapping-math lets the compares become vector selects (no FP
# exception is ever inspected, the values are unchanged).
FLAGS = ('-O3', '-fopenmp', '-ffp-contract=off', '-fno-trapping-math',
         '-fPIC', '-shared')
_SUFFIX = {torch.float32: 'f32', torch.float64: 'f64'}
_P, _I = ctypes.c_void_p, ctypes.c_int64
_SIGNATURES = {
    'if_subtract': (_P, _P, _P, _I, _P, _P, _I, _I, _I, _I, _I),
    'signed_if': (_P, _P, _P, _P, _P, _I, _P, _P, _I, _I, _I, _I),
    'consistent_if': (_P, _P, _P, _P, _I, _P, _P, _I, _I, _I, _I, _I, _I),
    'signed_consistent_if': (_P, _P, _P, _P, _P, _P, _I, ctypes.c_double,
                             _P, _P, _P, _I, _I, _I, _I, _I, _I),
}
_SETTINGS = dict(enabled=os.environ.get('SPIKEDET_NATIVE_STEPS', '1') != '0')


def set_native_steps(enabled: bool = True) -> None:
    """Use the fused C steps where they apply (``True``) or never."""
    _SETTINGS['enabled'] = bool(enabled)


def native_steps() -> bool:
    """Whether the fused C steps are switched on (they may still be
    unavailable: see :func:`library`)."""
    return _SETTINGS['enabled']


def cache_dir() -> Path:
    """Where built libraries are kept."""
    root = os.environ.get('SPIKEDET_KERNEL_CACHE')
    return Path(root) if root else Path.home() / '.cache/spikedet/kernels'


def _compiler_identity(compiler: str) -> str:
    run = subprocess.run([compiler, '--version'], capture_output=True,
                         text=True, timeout=60)
    return run.stdout.splitlines()[0] if run.stdout else compiler


def _build(compiler: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(suffix='.so', dir=target.parent)
    os.close(handle)
    try:
        subprocess.run([compiler, *FLAGS, '-o', partial, str(SOURCE)],
                       check=True, capture_output=True, text=True,
                       timeout=300)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


@functools.lru_cache(maxsize=None)
def library() -> Optional[ctypes.CDLL]:
    """The fused steps' library, built on the first call of the process
    if the cache lacks it; None where no compiler is found or it fails
    (one warning for a failure, none for a missing compiler)."""
    compiler = shutil.which(os.environ.get('CC', 'cc'))
    if compiler is None:
        return None
    try:
        key = hashlib.sha256('\0'.join(
            [SOURCE.read_text(), *FLAGS, _compiler_identity(compiler)]
        ).encode()).hexdigest()[:16]
        target = cache_dir() / f'neuron_steps-{key}.so'
        if not target.exists():
            _build(compiler, target)
        lib = ctypes.CDLL(str(target))
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, 'stderr', None) or str(error)
        warnings.warn('building the fused neuron steps failed '
                      f'({detail.strip().splitlines()[0] if detail else error});'
                      ' running them eagerly', RuntimeWarning)
        return None
    return lib


def forget_library() -> None:
    """Look for (or build) the library again at the next step, e.g. after
    ``$CC`` or ``$SPIKEDET_KERNEL_CACHE`` changed."""
    library.cache_clear()
    _functions.cache_clear()


@functools.lru_cache(maxsize=None)
def _functions() -> Optional[Dict[Tuple[str, torch.dtype], Callable]]:
    """The library's steps by (name, dtype), typed for ctypes."""
    lib = library()
    if lib is None:
        return None
    functions = {}
    for name, argtypes in _SIGNATURES.items():
        for dtype, suffix in _SUFFIX.items():
            function = getattr(lib, f'{name}_{suffix}')
            function.argtypes, function.restype = argtypes, None
            functions[name, dtype] = function
    return functions


def _layout(x: Tensor, state: Sequence[Tensor]
            ) -> Optional[Tuple[int, int, int]]:
    """``(outer, channels, inner)`` of an input and state tensors the C
    steps can run on: CPU, float32 / float64, one shape, contiguous, no
    autograd."""
    if not x.is_cpu or x.dtype not in _SUFFIX or x.dim() < 2 \
            or not x.is_contiguous():
        return None
    grad = torch.is_grad_enabled() and x.requires_grad
    for tensor in state:
        if tensor.dtype != x.dtype or tensor.shape != x.shape \
                or not tensor.is_contiguous() or not tensor.is_cpu:
            return None
        grad = grad or (torch.is_grad_enabled() and tensor.requires_grad)
    return None if grad else (x.shape[0], x.shape[1],
                              math.prod(x.shape[2:]))


def _per_channel(thresholds: Sequence[Tensor], x: Tensor) -> Optional[int]:
    """The stride of thresholds that are all one scalar (0) or all one
    contiguous value per channel of ``x`` (1); None otherwise."""
    strides = set()
    for theta in thresholds:
        if theta.dtype != x.dtype or not theta.is_cpu:
            return None
        if theta.numel() == 1:
            strides.add(0)
        elif (theta.dim() == x.dim() and theta.numel() == x.shape[1]
              and theta.shape[1] == x.shape[1] and theta.is_contiguous()):
            strides.add(1)
        else:
            return None
    return strides.pop() if len(strides) == 1 else None


def _ready(name: str, x: Tensor, state: Sequence[Tensor],
           thresholds: Sequence[Tensor]):
    """``(function, layout, threshold stride)``, or None to run eagerly."""
    if not _SETTINGS['enabled']:
        return None
    layout = _layout(x, state)
    stride = None if layout is None else _per_channel(thresholds, x)
    functions = None if stride is None else _functions()
    if functions is None:
        return None
    return functions[name, x.dtype], layout, stride


def if_subtract(v: Tensor, x: Tensor, theta: Tensor, max_spikes: int
                ) -> Optional[Tuple[Tensor, Tensor]]:
    """:func:`spikedet.neurons.kernels.if_subtract` in one pass, or None."""
    ready = _ready('if_subtract', x, (v,), (theta,))
    if ready is None:
        return None
    step, (outer, channels, inner), stride = ready
    spikes, value = torch.empty_like(x), torch.empty_like(x)
    step(
        v.data_ptr(), x.data_ptr(), theta.data_ptr(), stride,
        spikes.data_ptr(), value.data_ptr(), outer, channels, inner,
        int(max_spikes), torch.get_num_threads())
    return spikes, value


def signed_if(v: Tensor, x: Tensor, theta: Tensor, fire_neg: Tensor,
              carry_neg: Tensor, leaky: bool
              ) -> Optional[Tuple[Tensor, Tensor]]:
    """:func:`spikedet.neurons.kernels.signed_if` in one pass, or None."""
    carry = carry_neg if leaky else fire_neg
    ready = _ready('signed_if', x, (v,), (theta, fire_neg, carry))
    if ready is None:
        return None
    step, (outer, channels, inner), stride = ready
    spikes, value = torch.empty_like(x), torch.empty_like(x)
    step(
        v.data_ptr(), x.data_ptr(), theta.data_ptr(), fire_neg.data_ptr(),
        carry.data_ptr(), stride, spikes.data_ptr(), value.data_ptr(),
        outer, channels, inner, torch.get_num_threads())
    return spikes, value


def consistent_if(v: Tensor, count: Tensor, x: Tensor, theta: Tensor,
                  wake_steps: int, max_spikes: int
                  ) -> Optional[Tuple[Tensor, Tensor]]:
    """:func:`spikedet.neurons.kernels.consistent_if` in one pass, or
    None."""
    ready = _ready('consistent_if', x, (v, count), (theta,))
    if ready is None:
        return None
    step, (outer, channels, inner), stride = ready
    spikes, value = torch.empty_like(x), torch.empty_like(x)
    step(
        v.data_ptr(), count.data_ptr(), x.data_ptr(), theta.data_ptr(),
        stride, spikes.data_ptr(), value.data_ptr(), outer, channels, inner,
        int(wake_steps), int(max_spikes), torch.get_num_threads())
    return spikes, value


def signed_consistent_if(v: Tensor, count: Tensor, count_value: Tensor,
                         x: Tensor, theta: Tensor, theta_neg: Tensor,
                         shift: float, wake_steps: int, max_spikes: int
                         ) -> Optional[Tuple[Tensor, Tensor, Tensor]]:
    """:func:`spikedet.neurons.kernels.signed_consistent_if` in one pass,
    or None."""
    ready = _ready('signed_consistent_if', x, (v, count, count_value),
                   (theta, theta_neg))
    if ready is None:
        return None
    step, (outer, channels, inner), stride = ready
    spikes, value = torch.empty_like(x), torch.empty_like(x)
    emitted = torch.empty_like(x)
    step(
        v.data_ptr(), count.data_ptr(), count_value.data_ptr(), x.data_ptr(),
        theta.data_ptr(), theta_neg.data_ptr(), stride, float(shift),
        spikes.data_ptr(), value.data_ptr(), emitted.data_ptr(), outer,
        channels, inner, int(wake_steps), int(max_spikes),
        torch.get_num_threads())
    return spikes, value, emitted
