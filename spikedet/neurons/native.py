"""Fused CPU neuron steps: a small C library built on first use.

An eager IF step makes four passes over memory (charge, compare, scale,
reset), a signed one six, CASC's consistent ones eleven and sixteen; on a
CPU those passes, not arithmetic, are the neurons' cost.
``csrc/neuron_steps.c`` does each step in one loop, with the eager
kernel's float operations in the same order, so its results are
bit-identical (tests/test_neurons/test_native.py), on planar (contiguous
NCHW) and on channels-last (NHWC) state alike. The IF and consistent IF
steps write their state and the emitted value only (the spikes follow
from the value, derived when a reader asks), the IF steps the value over
the input where the neuron owns it (``overwrite``): read input and
membrane, write membrane and value, where eager allocates and writes
three fresh tensors.

The library is built ahead of use, never by a simulation:
:func:`build_library` (``tools/build_native.py``, which ``make setup``
runs) compiles it with the C compiler of ``$CC`` (else ``cc``) into
``$SPIKEDET_KERNEL_CACHE`` (default ``~/.cache/spikedet/kernels``), under a
name that hashes the source, the flags and the compiler, so an edit or
another compiler builds afresh (in about a second); it is published by an
atomic rename, so concurrent processes never load half a file. Built
without ``-march=native`` (on x86-64 each loop has AVX-512, AVX2 and
baseline clones, picked at load time), the file also runs on other
machines that share the cache. The steps run only inside
``neuron_steps('native')`` (:mod:`spikedet.neurons.kernels`; the tools'
default, not the library's). Library not built, a non-CPU tensor, a dtype
other than float32 / float64, another layout, or a threshold that is not
one value per channel along dim 1: each wrapper returns None and the
caller runs its pure-torch kernel, with the same spikes.

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
from torch.autograd.graph import increment_version

SOURCE = Path(__file__).with_name('csrc') / 'neuron_steps.c'
# -ffp-contract=off: no fused multiply-adds (eager rounds each product);
# -fno-trapping-math lets the compares become vector selects (no FP
# exception is ever inspected, the values are unchanged).
FLAGS = ('-O3', '-fopenmp', '-ffp-contract=off', '-fno-trapping-math',
         '-fPIC', '-shared')
_SUFFIX = {torch.float32: 'f32', torch.float64: 'f64'}
_P, _I = ctypes.c_void_p, ctypes.c_int64
# Tensors, then scalars, then the layout (outer, channels, inner,
# threshold stride, interleaved) and the thread count.
_LAYOUT = (_I,) * 6
_SIGNATURES = {
    'if_subtract': (_P,) * 4 + (_I,) + _LAYOUT,
    'signed_if': (_P,) * 6 + _LAYOUT,
    'consistent_if': (_P,) * 5 + (_I,) * 2 + _LAYOUT,
    'signed_consistent_if': (_P,) * 9 + (ctypes.c_double,) + (_I,) * 2
    + _LAYOUT,
}


def cache_dir() -> Path:
    """Where built libraries are kept."""
    root = os.environ.get('SPIKEDET_KERNEL_CACHE')
    return Path(root) if root else Path.home() / '.cache/spikedet/kernels'


def _compiler() -> Optional[str]:
    return shutil.which(os.environ.get('CC', 'cc'))


def _compiler_identity(compiler: str) -> str:
    run = subprocess.run([compiler, '--version'], capture_output=True,
                         text=True, timeout=60)
    return run.stdout.splitlines()[0] if run.stdout else compiler


def library_path(compiler: str) -> Path:
    """The cache file of the library ``compiler`` builds."""
    key = hashlib.sha256('\0'.join(
        [SOURCE.read_text(), *FLAGS, _compiler_identity(compiler)]
    ).encode()).hexdigest()[:16]
    return cache_dir() / f'neuron_steps-{key}.so'


def build_library() -> Path:
    """Compile the fused steps into the cache (if not there yet) and
    return the file; the next :func:`library` call loads it.

    Raises:
        RuntimeError: No C compiler (``$CC`` / ``cc``), or the build
            failed (the compiler's first error line).
    """
    compiler = _compiler()
    if compiler is None:
        raise RuntimeError(f"no C compiler found ({os.environ.get('CC', 'cc')}"
                           '); the neuron steps run in pure torch')
    target = library_path(compiler)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(suffix='.so', dir=target.parent)
    os.close(handle)
    try:
        subprocess.run([compiler, *FLAGS, '-o', partial, str(SOURCE)],
                       check=True, capture_output=True, text=True,
                       timeout=300)
        os.replace(partial, target)
    except subprocess.CalledProcessError as error:
        lines = (error.stderr or '').strip().splitlines()
        raise RuntimeError('building the fused neuron steps failed: '
                           f'{lines[0] if lines else error}') from None
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    forget_library()
    return target


@functools.lru_cache(maxsize=None)
def library() -> Optional[ctypes.CDLL]:
    """The fused steps' library, loaded from the cache on the first call
    of the process; None where it has not been built (see
    :func:`build_library`) or no compiler identifies it. Builds nothing."""
    compiler = _compiler()
    if compiler is None:
        return None
    try:
        target = library_path(compiler)
        return ctypes.CDLL(str(target)) if target.exists() else None
    except (OSError, subprocess.SubprocessError) as error:
        warnings.warn(f'loading the fused neuron steps failed ({error}); '
                      'running them in pure torch', RuntimeWarning)
        return None


def forget_library() -> None:
    """Look for the library again at the next step, e.g. after a build
    or after ``$CC`` or ``$SPIKEDET_KERNEL_CACHE`` changed."""
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
            ) -> Optional[Tuple[int, int, int, int]]:
    """``(outer, channels, inner, interleaved)`` of an input and state
    tensors the C steps can run on (CPU, float32 / float64, one shape and
    layout, no autograd): planar (contiguous, ``[N, C, ...]``) or
    interleaved (4-D channels-last, the channel innermost)."""
    if not x.is_cpu or x.dtype not in _SUFFIX or x.dim() < 2:
        return None
    if x.is_contiguous():
        layout, fmt = (x.shape[0], x.shape[1], math.prod(x.shape[2:]), 0), \
            torch.contiguous_format
    elif x.dim() == 4 and x.is_contiguous(memory_format=torch.channels_last):
        layout, fmt = (x.numel() // x.shape[1], x.shape[1], 1, 1), \
            torch.channels_last
    else:
        return None
    grad = torch.is_grad_enabled()
    if grad and x.requires_grad:
        return None
    for tensor in state:
        if tensor.dtype != x.dtype or tensor.shape != x.shape \
                or not tensor.is_contiguous(memory_format=fmt) \
                or not tensor.is_cpu or (grad and tensor.requires_grad):
            return None
    return layout


def _per_channel(thresholds: Sequence[Tensor], x: Tensor, interleaved: int
                 ) -> Optional[Tuple[int, Tuple[Tensor, ...]]]:
    """The stride of thresholds that are all one scalar (0) or all one
    contiguous value per channel of ``x`` (1), and the thresholds as the
    C steps read them (interleaved rows read one value per channel: a
    scalar is expanded); None where they are neither."""
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
    if strides == {1} or (strides == {0} and not interleaved):
        return strides.pop(), tuple(thresholds)
    channels = x.shape[1]
    return 1, tuple(t.reshape(-1).expand(channels).contiguous()
                    if t.numel() == 1 else t for t in thresholds)


def _run(name: str, x: Tensor, state: Sequence[Tensor],
         thresholds: Sequence[Tensor], scalars: Sequence, outputs: int = 1,
         overwrite: bool = False) -> Optional[Tuple[Tensor, ...]]:
    """Run step ``name`` on ``state``, ``x`` and ``thresholds`` into
    ``outputs`` tensors shaped like ``x``: fresh ones, or (``overwrite``,
    one output) ``x`` itself, whose version counter is then bumped (an
    in-place change autograd and caches must see). None (nothing touched)
    where the C steps do not apply."""
    functions = _functions()
    layout = None if functions is None else _layout(x, state)
    channel_values = None if layout is None else \
        _per_channel(thresholds, x, layout[3])
    if channel_values is None:
        return None
    stride, thresholds = channel_values
    out = (x,) if overwrite else \
        tuple(torch.empty_like(x) for _ in range(outputs))
    pointers = [t.data_ptr() for t in (*state, x, *thresholds)]
    pointers += [None] if overwrite else [t.data_ptr() for t in out]
    functions[name, x.dtype](*pointers, *scalars, *layout[:3], stride,
                             layout[3], torch.get_num_threads())
    if overwrite:
        increment_version(x)
    return out


def if_subtract(v: Tensor, x: Tensor, theta: Tensor, max_spikes: int,
                overwrite: bool = False
                ) -> Optional[Tuple[None, Tensor]]:
    """:func:`spikedet.neurons.kernels.if_subtract` in one pass, or None.
    The spikes are not written (``(None, value)``): they are
    ``value / theta``."""
    out = _run('if_subtract', x, (v,), (theta,), (int(max_spikes),),
               overwrite=overwrite)
    return None if out is None else (None, out[0])


def signed_if(v: Tensor, x: Tensor, theta: Tensor, fire_neg: Tensor,
              carry_neg: Tensor, leaky: bool, overwrite: bool = False
              ) -> Optional[Tuple[None, Tensor]]:
    """:func:`spikedet.neurons.kernels.signed_if` in one pass, or None.
    The spikes are not written (``(None, value)``): they are the value's
    sign."""
    out = _run('signed_if', x, (v,),
               (theta, fire_neg, carry_neg if leaky else fire_neg), (),
               overwrite=overwrite)
    return None if out is None else (None, out[0])


def consistent_if(v: Tensor, count: Tensor, x: Tensor, theta: Tensor,
                  wake_steps: int, max_spikes: int
                  ) -> Optional[Tuple[None, Tensor]]:
    """:func:`spikedet.neurons.kernels.consistent_if` in one pass, or
    None. The spikes are not written (``(None, value)``): they are
    ``value / theta``."""
    out = _run('consistent_if', x, (v, count), (theta,),
               (int(wake_steps), int(max_spikes)))
    return None if out is None else (None, out[0])


def signed_consistent_if(v: Tensor, count: Tensor, count_value: Tensor,
                         x: Tensor, theta: Tensor, theta_neg: Tensor,
                         shift: float, wake_steps: int, max_spikes: int
                         ) -> Optional[Tuple[Tensor, Tensor, Tensor]]:
    """:func:`spikedet.neurons.kernels.signed_consistent_if` in one pass,
    or None."""
    return _run('signed_consistent_if', x, (v, count, count_value),
                (theta, theta_neg), (float(shift), int(wake_steps),
                                     int(max_spikes)), outputs=3)
