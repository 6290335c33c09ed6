"""The C heap during a long CPU simulation: keep freed blocks for the next
step, give free pages back to the OS only when the resident memory grows.

By default glibc trims the heap's top whenever more than a few of its
blocks are free and serves large blocks by ``mmap``, unmapped when freed.
A simulation step allocates and frees the same temporaries (neuron
updates, convolution outputs) every step, so each step pays the page
faults of memory given back by the step before (on the neurons' kernels,
several times their own time: ``docs/benchmarks.md``).
:func:`steady_heap` turns the automatic trim off and stops serving blocks
by ``mmap`` at all (``M_MMAP_MAX`` = 0: the mmap threshold alone cannot
be raised past 32 MiB, below a full-size detector's maps), so those
blocks are reused.

Kept blocks fragment the heap: as the same feature maps are freed and
allocated step after step, the peak RSS creeps up with T although the
live memory stays level
(mmdet's R50-FPN Faster R-CNN, 800 x 1344: the peak's rise over the
prediction 634 MiB at T = 8, 1152 MiB at T = 64). ``malloc_trim(0)``
returns the whole free pages inside the heap (``madvise``), not only its
top. Trimming on a fixed period did not bound the peak (every 8 steps
1.11x, every 4 steps 1.32x from T = 8 to 64: where the trims fall against
the allocation pattern decides), so :func:`heap_trimming` trims when the
resident memory has grown by a set fraction since the last trim; with
:func:`steady_heap` as well, the same detector's peak rose by 289 MiB at
both T = 8 and T = 64. Measured with ``benchmarks/full_size_detector.py``;
see ``docs/benchmarks.md``.
"""
import ctypes
import functools
import os
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Optional

from torch import nn
from torch.utils._pytree import tree_leaves


def _find_libc(name: str) -> Optional[Callable]:
    """A glibc function (``malloc_trim``, ``mallopt``), or None where the C
    library has none."""
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None


MALLOC_TRIM = _find_libc('malloc_trim')
MALLOPT = _find_libc('mallopt')
# mallopt parameters (malloc.h).
M_TRIM_THRESHOLD, M_MMAP_MAX = -1, -4


@functools.lru_cache(maxsize=None)
def steady_heap() -> bool:
    """Keep freed blocks in the C heap for reuse, for the rest of the
    process: no automatic trim of the heap's top, and every block from
    the heap instead of ``mmap``, whatever its size (glibc's ``mallopt``;
    once per process). glibc still maps memory where the heap cannot
    grow. The trim threshold is -1, which mallopt(3) documents as "never
    trim": its largest positive value, 2 GiB, was less than the free top
    of a full-size detector's heap (mmdet's R50-FPN at 800 x 1344), which
    glibc then gave back and faulted in again at every simulation.

    The resident memory then stays at a step's high-water mark instead of
    being faulted in again at every step; :func:`heap_trimming` still gives
    pages back when it grows. The same as the tunables
    ``MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=<huge>`` set before the
    process starts, but taken at run time.

    Returns:
        Whether the C library took both settings (False where it is not
        glibc).
    """
    if MALLOPT is None:
        return False
    return bool(MALLOPT(M_TRIM_THRESHOLD, ctypes.c_int(-1))
                and MALLOPT(M_MMAP_MAX, ctypes.c_int(0)))


def resident_bytes() -> Optional[int]:
    """The process's current resident memory (Linux), else None."""
    try:
        with open('/proc/self/statm', 'rb') as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf('SC_PAGE_SIZE')
    except (OSError, ValueError, IndexError):
        return None


def _on_cpu(output) -> bool:
    leaves = [x for x in tree_leaves(output) if hasattr(x, 'device')]
    return bool(leaves) and leaves[0].device.type == 'cpu'


@contextmanager
def heap_trimming(modules: Iterable[nn.Module],
                  slack: Optional[float]) -> Iterator[None]:
    """Keep the C heap steady (:func:`steady_heap`) and trim it whenever
    the resident memory outgrows its level.

    After each forward of ``modules`` (a simulation step of one stage)
    whose output is on the CPU, the resident memory is read (one read of
    ``/proc/self/statm``). The first step trims and takes the result as the
    level; a later step that finds more than ``(1 + slack)`` times the level
    trims (``malloc_trim(0)``) and raises the level to what remains, if
    more (memory the simulation really holds is not trimmed again and
    again). Nothing happens where the C library has no ``malloc_trim`` (not
    glibc) or ``/proc`` is missing, for ``slack=None``, and for outputs on
    an accelerator, whose memory the C heap does not hold: no host call
    enters a GPU's timestep loop.

    Args:
        modules: The networks whose forwards are simulation steps.
        slack: Growth over the level that triggers a trim, e.g. 0.05;
            None disables trimming.
    """
    if slack is not None and slack < 0:
        raise ValueError('slack must be >= 0 (or None: off)')
    if slack is None or MALLOC_TRIM is None or resident_bytes() is None:
        yield
        return
    level = None
    on_cpu = {}  # module -> whether its steps run on the CPU (looked once)

    def check(module: nn.Module, args, output) -> None:
        nonlocal level
        if module not in on_cpu:
            on_cpu[module] = _on_cpu(output)
        if not on_cpu[module]:
            return
        if level is None:
            steady_heap()
        if level is not None and resident_bytes() <= level * (1 + slack):
            return
        MALLOC_TRIM(0)
        level = max(level or 0, resident_bytes())

    handles = [m.register_forward_hook(check) for m in modules]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
