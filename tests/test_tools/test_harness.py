"""Planning the comparison's runs (tools/harness/comparison_runs.py,
presets.py)."""
import pytest
from harness.comparison_runs import plan_jobs
from harness.model_zoo import MODEL_ZOO
from harness.presets import check_presets, preset_method

from spikedet.errors import UserInputError


def test_plan_jobs_is_preset_major_with_analog_twins():
    models = MODEL_ZOO[:2]
    jobs = plan_jobs(models, ['if_channel', 'cif_wsc'], ['cif_wsc'])
    assert [(j.preset, j.model.key, j.analog) for j in jobs] == [
        ('if_channel', models[0].key, False),
        ('if_channel', models[1].key, False),
        ('cif_wsc', models[0].key, False), ('cif_wsc', models[0].key, True),
        ('cif_wsc', models[1].key, False), ('cif_wsc', models[1].key, True)]
    assert jobs[3].label == 'cif_wsc (analog)'
    assert jobs[3].work_dir('r').endswith('cif_wsc_analog')


def test_check_presets_names_the_unknown_and_keeps_files(tmp_path):
    preset = tmp_path / 'mine.py'
    preset.write_text("conversion = dict(method='if')\n")
    assert check_presets(['if_channel', str(preset)]) == \
        ['if_channel', str(preset)]
    with pytest.raises(UserInputError, match=r"\['nope'\]"):
        check_presets(['if_channel', 'nope'])


def test_preset_method_reads_the_method_record(tmp_path):
    assert preset_method('onespike').single_inference
    assert not preset_method('if_channel').single_inference
    bad = tmp_path / 'bad.py'
    bad.write_text('conversion = 3\n')
    assert preset_method(str(bad)) is None
