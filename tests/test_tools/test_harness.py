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


def test_reuse_runs_again_once_the_checkpoint_changed(tmp_path,
                                                      monkeypatch):
    from harness import comparison_runs
    from harness.comparison_runs import Job, run_job
    from harness.model_zoo import ZooModel
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'data/checkpoints').mkdir(parents=True)
    ckpt = tmp_path / 'data/checkpoints/net.pth'
    ckpt.write_bytes(b'first weights')
    runs = []
    monkeypatch.setattr(
        comparison_runs, '_run',
        lambda job, suffix, work, record, threads:
        runs.append(suffix) or dict(curve={}, **record))
    job = Job(ZooModel('net', 'Net', 'net', 'net', True), 'if_channel')
    args = (dict(images=2), str(tmp_path / 'runs'), [4])
    first = run_job(job, *args)
    assert 'reused' not in first and len(runs) == 1
    assert run_job(job, *args, reuse=True)['reused']
    assert len(runs) == 1
    ckpt.write_bytes(b'retrained weights')
    assert 'reused' not in run_job(job, *args, reuse=True)
    assert len(runs) == 2
