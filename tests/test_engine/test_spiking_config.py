"""Conversion presets: by name from configs/_base_/conversion, or by path."""
import pytest

from spikedet.engine.spiking_config import load_method
from spikedet.utils.errors import ConfigError


def test_a_preset_file_given_by_path(tmp_path):
    path = tmp_path / 'bsnn_p1.py'
    path.write_text("_base_ = ['{}']\nconversion = dict(phase=1)\n".format(
        'spikedet_bsnn_base.py'))
    (tmp_path / 'spikedet_bsnn_base.py').write_text(
        "conversion = dict(method='bsnn', phase=4, sync=True)\n")
    preset = load_method(str(path))
    assert preset['conversion'] == dict(method='bsnn', phase=1, sync=True)
    assert preset['schedule'] == dict(type='plain')
    assert load_method('bsnn')['conversion']['phase'] == 4


def test_bad_presets_are_refused(tmp_path):
    with pytest.raises(ConfigError, match='unknown conversion method'):
        load_method('nope')
    with pytest.raises(ConfigError, match='unknown conversion method'):
        load_method(str(tmp_path / 'missing.py'))
    empty = tmp_path / 'empty.py'
    empty.write_text('schedule = dict(type="plain")\n')
    with pytest.raises(ConfigError, match='needs "conversion'):
        load_method(str(empty))
