"""The method registry: names, presets, options, registration."""
import pytest
import torch
from torch import nn

from spikedet.conversion import ConversionError, convert
from spikedet.conversion.methods import (METHODS, Method, Preset,
                                         register_method, resolve)
from spikedet.conversion.methods.if_baseline import build_if, identity_if


def test_a_preset_is_its_methods_defaults_with_overrides():
    plain, channel = resolve('if'), resolve('if_channel')
    assert channel.method is plain.method is METHODS['if']
    assert plain.options['channel_wise'] is False
    assert channel.options == {**plain.options, 'channel_wise': True}
    # The caller's options win over the preset's.
    assert resolve('burst', dict(max_spikes=2)).options['max_spikes'] == 2
    assert resolve('cif_wsc_l4').schedule == dict(type='wake_sleep',
                                                  margin=4, sleep=56)


def test_unknown_names_and_options_are_refused():
    with pytest.raises(ConversionError, match="unknown conversion method "
                       "'nope'.*if_channel"):
        resolve('nope')
    with pytest.raises(ConversionError, match=r"\['bogus'\].*'if_channel'"):
        resolve('if_channel', dict(bogus=1))


def test_a_taken_name_cannot_be_registered_twice():
    with pytest.raises(ValueError, match='if_channel'):
        register_method(Method('mine', build_if, identity_if,
                               presets=dict(if_channel=Preset())))
    assert 'mine' not in METHODS


def test_convert_takes_preset_names():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Conv2d(4, 2, 1))
    data = [torch.rand(2, 1, 8, 8) for _ in range(2)]
    by_preset = convert(net, data, 'if_channel')
    by_option = convert(net, data, 'if', channel_wise=True)
    layer_wise = convert(net, data, 'if')
    assert by_preset[1].threshold.numel() == 4
    assert torch.equal(by_preset[1].threshold, by_option[1].threshold)
    assert layer_wise[1].threshold.numel() == 1
