import platform
import subprocess
import sys

import pytest
import torch
from torch import nn

from spikedet.utils import host_heap
from spikedet.utils.host_heap import heap_trimming


class _Device(nn.Module):

    def __init__(self, device: str) -> None:
        super().__init__()
        self.device = device

    def forward(self, x):
        return (torch.empty(1, device=self.device), [x])


@pytest.fixture
def heap(monkeypatch):
    """A fake heap: ``rss`` is what /proc reports, a trim brings it down to
    ``live``; ``trims`` counts them."""
    state = dict(rss=100, live=100, trims=0)

    def trim(pad):
        state['trims'] += 1
        state['rss'] = state['live']

    monkeypatch.setattr(host_heap, 'MALLOC_TRIM', trim)
    monkeypatch.setattr(host_heap, 'resident_bytes', lambda: state['rss'])
    state['mallopt'] = []
    monkeypatch.setattr(host_heap, 'MALLOPT', lambda param, value: state[
        'mallopt'].append((param, value.value)) or 1)
    host_heap.steady_heap.cache_clear()
    yield state
    host_heap.steady_heap.cache_clear()


def test_trims_first_then_only_when_resident_memory_outgrows_the_level(heap):
    net = _Device('cpu')
    with heap_trimming([net], slack=0.1):
        net(1)
        assert heap['trims'] == 1  # the first step sets the level: 100
        heap['rss'] = 110
        net(1)
        assert heap['trims'] == 1  # within 10 %
        heap['rss'] = 111
        net(1)
        assert heap['trims'] == 2 and heap['rss'] == 100
        # Live memory grew: trimmed once, then the level follows it.
        heap['live'] = heap['rss'] = 150
        net(1)
        net(1)
        assert heap['trims'] == 3
    net(1)
    assert heap['trims'] == 3 and not net._forward_hooks  # hooks removed
    # The heap was made steady once, at the first step: no automatic trim,
    # no block served by mmap.
    assert heap['mallopt'] == [(host_heap.M_TRIM_THRESHOLD, -1),
                               (host_heap.M_MMAP_MAX, 0)]


def test_off_for_none_and_for_outputs_off_the_cpu(heap):
    cpu, meta = _Device('cpu'), _Device('meta')
    with heap_trimming([cpu], slack=None):
        cpu(1)
        assert not cpu._forward_hooks
    with heap_trimming([meta], slack=0.0):
        meta(1)
    assert heap['trims'] == 0 and heap['mallopt'] == []
    with pytest.raises(ValueError, match='>= 0'):
        with heap_trimming([cpu], slack=-1):
            pass


@pytest.mark.skipif(platform.libc_ver()[0] != 'glibc',
                    reason='malloc_trim is glibc\'s')
def test_glibc_malloc_trim_and_resident_memory_are_found():
    assert host_heap.MALLOC_TRIM is not None
    assert host_heap.MALLOC_TRIM(0) in (0, 1)
    assert host_heap.resident_bytes() > 2**20


@pytest.mark.skipif(platform.libc_ver()[0] != 'glibc',
                    reason='mallopt is glibc\'s')
def test_glibc_takes_the_steady_heap_settings():
    host_heap.steady_heap.cache_clear()
    assert host_heap.steady_heap()
    assert host_heap.steady_heap()  # once per process, then remembered


# In a fresh process (the settings are for the rest of a process): a
# 64 MiB block, freed and asked for again, is faulted in again by default
# (glibc maps blocks that large and unmaps them when freed), and is not
# after steady_heap().
_REFAULTS = """
import ctypes, resource, sys
from spikedet.utils.host_heap import steady_heap
if sys.argv[1] == 'steady':
    assert steady_heap()
libc, size = ctypes.CDLL(None), 64 << 20
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]

def touch():
    block = libc.malloc(size)
    ctypes.memset(block, 1, size)
    libc.free(block)

touch()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
touch()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != 'glibc',
                    reason='mallopt is glibc\'s')
def test_steady_heap_keeps_blocks_larger_than_the_mmap_threshold_cap():
    def refaults(mode: str) -> int:
        out = subprocess.run([sys.executable, '-c', _REFAULTS, mode],
                             capture_output=True, text=True, check=True)
        return int(out.stdout)

    pages = (64 << 20) // 4096
    assert refaults('default') > pages // 2
    assert refaults('steady') < pages // 20


# In a fresh process: a block of 2.5 GiB from the heap (never touched, so
# nothing is faulted in) and freed leaves a free top larger than any
# positive trim threshold mallopt takes (an int: 2 GiB at most). Printed:
# the bytes the program break came down by when it was freed.
_GIVES_BACK = """
import ctypes, sys
from spikedet.utils import host_heap
libc = ctypes.CDLL(None)
libc.malloc.restype = libc.sbrk.restype = ctypes.c_void_p
libc.malloc.argtypes, libc.sbrk.argtypes = [ctypes.c_size_t], [ctypes.c_ssize_t]
libc.free.argtypes = [ctypes.c_void_p]
if sys.argv[1] == 'steady':
    assert host_heap.steady_heap()
else:  # the largest positive threshold, blocks from the heap as above
    host_heap.MALLOPT(host_heap.M_TRIM_THRESHOLD, ctypes.c_int(2**31 - 1))
    host_heap.MALLOPT(host_heap.M_MMAP_MAX, ctypes.c_int(0))
block = libc.malloc(5 << 29)
if not block:
    sys.exit(3)  # no 2.5 GiB of address space for the heap here
top = libc.sbrk(0)
libc.free(block)
print(top - libc.sbrk(0))
"""


@pytest.mark.skipif(platform.libc_ver()[0] != 'glibc',
                    reason='mallopt is glibc\'s')
def test_steady_heap_never_trims_a_free_top_past_two_gib():
    def given_back(mode: str) -> int:
        out = subprocess.run([sys.executable, '-c', _GIVES_BACK, mode],
                             capture_output=True, text=True)
        if out.returncode == 3:
            pytest.skip('the heap cannot grow by 2.5 GiB on this machine')
        assert out.returncode == 0, out.stderr
        return int(out.stdout)

    assert given_back('int-max') > 2**31
    assert given_back('steady') == 0
