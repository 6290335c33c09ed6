"""A failure inside the network while converting names the module."""
import pytest
import torch
from torch import nn

from spikedet.conversion import ConversionError, UnsupportedLayerError, convert


class _NoCpuKernel(nn.Module):
    def forward(self, x):
        raise RuntimeError('op_impl: implementation for device cpu not found.'
                           '\nsecond line')


def test_a_failing_module_is_named_in_one_line():
    model = nn.Sequential(nn.Conv2d(3, 3, 1), nn.ReLU(),
                          nn.Sequential(nn.Conv2d(3, 3, 1), _NoCpuKernel()))
    with pytest.raises(UnsupportedLayerError) as info:
        convert(model.eval(), [torch.randn(1, 3, 4, 4)])
    message = str(info.value)
    assert message.startswith('2.1 (_NoCpuKernel) failed while converting: '
                              'RuntimeError: op_impl: implementation')
    assert '\n' not in message and 'second line' not in message
    assert isinstance(info.value.__cause__, RuntimeError)


def test_user_errors_pass_unchanged():
    with pytest.raises(ConversionError, match='calibration set is empty'):
        convert(nn.Conv2d(3, 3, 1), [])
