"""Give the C heap's free pages back to the OS during a long simulation.

glibc's malloc raises its mmap threshold each time a large block is freed
and from then on serves blocks of that size from the heap. A simulation
frees and allocates the same feature maps at every step, the heap fragments,
and the peak RSS creeps up with T although the live memory stays level
(measured on mmdet's R50-FPN Faster R-CNN, 400 x 672, 16 -> 128 steps: the
peak's rise over the prediction 642 -> 784 MiB, 1.22x). ``malloc_trim(0)``
returns the whole free pages inside the heap (``madvise``), not only its
top, so trimming every few steps keeps the peak at what the simulation
holds (382 -> 394 MiB trimming every step, at 16 % more time per step;
468 / 420 MiB every 8 steps, within 4 %). Measured with
``benchmarks/full_size_detector.py``; see ``docs/measurements.md``.
"""
import ctypes
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Optional

from torch import nn
from torch.utils._pytree import tree_leaves


def _find_malloc_trim() -> Optional[Callable[[int], int]]:
    """glibc's ``malloc_trim``, or None where the C library has none."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


MALLOC_TRIM = _find_malloc_trim()


def _on_cpu(output) -> bool:
    leaves = [x for x in tree_leaves(output) if hasattr(x, 'device')]
    return bool(leaves) and leaves[0].device.type == 'cpu'


@contextmanager
def heap_trimming(modules: Iterable[nn.Module],
                  every: int) -> Iterator[None]:
    """Trim the C heap after every ``every``-th forward of ``modules``.

    Counts the forwards of all ``modules`` together (one per simulation
    step of each stage) and calls ``malloc_trim(0)`` on every ``every``-th
    one whose output is on the CPU. Does nothing where the C library has no
    ``malloc_trim`` (not glibc), for ``every = 0``, and for outputs on an
    accelerator, whose memory the C heap does not hold: no host call enters
    a GPU's timestep loop.

    Args:
        modules: The networks whose forwards are simulation steps.
        every: Forwards between trims; 0 disables trimming.
    """
    if every < 0:
        raise ValueError('every must be >= 0')
    if not every or MALLOC_TRIM is None:
        yield
        return
    calls = 0

    def trim(module: nn.Module, args, output) -> None:
        nonlocal calls
        calls += 1
        if calls % every == 0 and _on_cpu(output):
            MALLOC_TRIM(0)

    handles = [m.register_forward_hook(trim) for m in modules]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
