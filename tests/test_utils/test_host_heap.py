import platform

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
def trims(monkeypatch):
    calls = []
    monkeypatch.setattr(host_heap, 'MALLOC_TRIM', calls.append)
    return calls


def test_trims_every_kth_forward_of_all_modules_together(trims):
    a, b = _Device('cpu'), _Device('cpu')
    with heap_trimming([a, b], every=4):
        for _ in range(5):
            a(1)
            b(1)
    assert trims == [0, 0]  # forwards 4 and 8 of 10
    a(1)
    assert len(trims) == 2 and not a._forward_hooks  # hooks removed


def test_off_for_zero_and_for_outputs_off_the_cpu(trims):
    cpu, meta = _Device('cpu'), _Device('meta')
    with heap_trimming([cpu], every=0):
        cpu(1)
        assert not cpu._forward_hooks
    with heap_trimming([meta], every=1):
        meta(1)
    assert trims == []
    with pytest.raises(ValueError, match='>= 0'):
        with heap_trimming([cpu], every=-1):
            pass


@pytest.mark.skipif(platform.libc_ver()[0] != 'glibc',
                    reason='malloc_trim is glibc\'s')
def test_glibc_malloc_trim_is_found_and_runs():
    assert host_heap.MALLOC_TRIM is not None
    assert host_heap.MALLOC_TRIM(0) in (0, 1)
