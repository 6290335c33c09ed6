"""Conversion presets: by name from the method registry, or by path."""
import pytest

from spikedet.conversion.methods import resolve
from spikedet.engine.spiking_config import available_methods, load_method
from spikedet.errors import ConfigError


def test_a_preset_file_given_by_path(tmp_path):
    path = tmp_path / 'bsnn_p1.py'
    path.write_text("_base_ = ['{}']\nconversion = dict(phase=1)\n".format(
        'spikedet_bsnn_base.py'))
    (tmp_path / 'spikedet_bsnn_base.py').write_text(
        "conversion = dict(method='bsnn', sync=False)\n")
    preset = load_method(str(path))
    assert preset['conversion'] == dict(method='bsnn', phase=1, sync=False)
    assert preset['schedule'] == dict(type='plain')
    assert load_method('bsnn') == dict(conversion=dict(method='bsnn'),
                                       schedule=dict(type='plain'))


def test_a_preset_file_overrides_a_named_presets_schedule(tmp_path):
    path = tmp_path / 'casc_long_sleep.py'
    path.write_text("conversion = dict(method='cif_wsc_l4')\n"
                    "schedule = dict(sleep=100)\n")
    assert load_method(str(path))['schedule'] == dict(
        type='wake_sleep', margin=4, sleep=100)


def test_every_name_resolves_and_the_shipped_sweeps_load():
    names = available_methods()
    assert {'if', 'if_channel', 'burst', 'cif_wsc', 'cif_wsc_l4', 'bsnn',
            'onespike', 'spicalib', 'termapping', 'augmapping'} <= set(names)
    for name in names:
        assert resolve(name).preset == name
    for p in (1, 2, 8):
        sweep = load_method(f'configs/_base_/conversion/sweeps/bsnn_p{p}.py')
        assert sweep['conversion'] == dict(method='bsnn', phase=p)


def test_bad_presets_are_refused(tmp_path):
    with pytest.raises(ConfigError, match='unknown conversion method'):
        load_method('nope')
    with pytest.raises(ConfigError, match='no preset file'):
        load_method(str(tmp_path / 'missing.py'))
    empty = tmp_path / 'empty.py'
    empty.write_text('schedule = dict(type="plain")\n')
    with pytest.raises(ConfigError, match='needs "conversion'):
        load_method(str(empty))
    bogus = tmp_path / 'bogus.py'
    bogus.write_text("conversion = dict(method='if_channel', bogus=1)\n")
    with pytest.raises(ConfigError, match='bogus'):
        load_method(str(bogus))
