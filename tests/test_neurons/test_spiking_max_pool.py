import pytest
import torch
import torch.nn.functional as F
from torch import nn

from spikedet.neurons import SpikingMaxPool2d


@pytest.mark.parametrize('k,s,p,ceil', [(2, 2, 0, False), (3, 2, 1, False),
                                        (5, 1, 2, False), (3, 2, 0, True)])
def test_cumulative_output_is_max_of_cumulative_input(k, s, p, ceil):
    g = torch.Generator().manual_seed(0)
    pool = SpikingMaxPool2d.from_max_pool(nn.MaxPool2d(k, s, p,
                                                       ceil_mode=ceil))
    total_in = torch.zeros(2, 3, 9, 9, dtype=torch.float64)
    total_out = 0
    for _ in range(20):
        x = (torch.rand(2, 3, 9, 9, generator=g) < 0.4).double()
        x = x - (torch.rand(2, 3, 9, 9, generator=g) < 0.1).double()
        total_in += x
        total_out = total_out + pool(x)
        assert torch.equal(total_out, F.max_pool2d(total_in, k, s, p,
                                                   ceil_mode=ceil))


def test_reset():
    pool = SpikingMaxPool2d(2)
    pool(torch.ones(1, 1, 2, 2))
    pool.reset()
    assert pool.cumulative is None and pool.pooled is None
