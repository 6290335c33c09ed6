"""tools/convert.py and tools/test.py end to end on a tiny data set."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from spikedet.registry import MODELS
from spikedet.utils.checkpoint import save_weights
from spikedet.utils.config import load_config

REPO = Path(__file__).resolve().parents[2]
CFG = 'configs/classification/vgg11_shapes.py'


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, text=True,
                          capture_output=True, timeout=600)


def _data_opts(root: Path):
    root = f'{root}/'
    return ['--cfg-options', f'train_dataloader.dataset.data_root={root}',
            f'test_dataloader.dataset.data_root={root}',
            'train_dataloader.batch_size=4', 'test_dataloader.batch_size=6',
            'train_dataloader.num_workers=0', 'test_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False',
            'test_dataloader.persistent_workers=False']


@pytest.fixture(scope='module')
def ann_checkpoint(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    model = MODELS.build(load_config(REPO / CFG).model)
    path = tmp_path_factory.mktemp('ckpt') / 'vgg.pth'
    save_weights(path, model.state_dict(), dict(classes=None))
    return path


def test_convert_then_test_gives_a_curve(tmp_path, tiny_shapes,
                                         ann_checkpoint):
    out = tmp_path / 'snn'
    proc = _run('tools/convert.py', CFG, str(ann_checkpoint), '--method',
                'if', '--out', str(out), '--calib-batches', '2',
                *_data_opts(tiny_shapes))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'features.2' in proc.stdout and 'IFNeuron' in proc.stdout
    assert (out / 'snn.pth').is_file() and (out / 'config.py').is_file()
    torch.load(out / 'snn.pth', weights_only=True)
    work = tmp_path / 'test'
    proc = _run('tools/test.py', str(out / 'config.py'), str(out / 'snn.pth'),
                '--work-dir', str(work), '--timesteps', '1', '2', '4')
    assert proc.returncode == 0, proc.stderr[-2000:]
    curve = json.loads((work / 'curve.json').read_text())
    assert list(curve['timesteps']) == ['1', '2', '4']
    assert 'top1' in curve['ann']
    assert (work / 'curve.png').stat().st_size > 1000
    assert '  ANN' in proc.stdout


@pytest.mark.parametrize('kind', ['missing', 'other-model', 'bad-method',
                                  'zero-batches'])
def test_convert_bad_input(tmp_path, tiny_shapes, ann_checkpoint, kind):
    ckpt, extra = str(ann_checkpoint), []
    if kind == 'missing':
        ckpt = str(tmp_path / 'nope.pth')
    elif kind == 'other-model':
        ckpt = str(tmp_path / 'other.pth')
        save_weights(ckpt, {'w': torch.zeros(1)})
    elif kind == 'bad-method':
        extra = ['--method', 'warp-drive']
    else:
        extra = ['--calib-batches', '0']
    proc = _run('tools/convert.py', CFG, ckpt, '--out', str(tmp_path / 'o'),
                *extra, *_data_opts(tiny_shapes))
    assert proc.returncode == 2, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: ') and 'Traceback' not in proc.stderr
    needle = {'missing': 'not found', 'other-model': 'does not match',
              'bad-method': 'unknown conversion method',
              'zero-batches': '--calib-batches'}[kind]
    assert needle in last


def test_test_tool_converts_on_the_fly(tmp_path, tiny_shapes, ann_checkpoint):
    work = tmp_path / 'fly'
    proc = _run('tools/test.py', CFG, str(ann_checkpoint), '--snn', 'if',
                '--timesteps', '2', '4', '--calib-batches', '1', '--stats',
                '--work-dir', str(work), *_data_opts(tiny_shapes))
    assert proc.returncode == 0, proc.stderr[-2000:]
    curve = json.loads((work / 'curve.json').read_text())
    assert list(curve['timesteps']) == ['2', '4'] and 'top1' in curve['ann']
    # --stats: totals beside the metric, per-layer table in stats.json.
    assert 'SOPs/img' in proc.stdout and 'E/E_ANN' in proc.stdout
    stats = json.loads((work / 'stats.json').read_text())
    assert stats['images'] == 12  # the tiny val split
    per_t = stats['timesteps']
    two, four = per_t['2'], per_t['4']
    # The counts are cumulative: T = 4 holds T = 2's and what steps 3-4
    # added, which is not nothing (the network still fires), ...
    assert four['spikes'] > two['spikes'] > 0
    assert four['sops'] > two['sops'] > 0
    # ... every layer ran 2 and 4 steps, and a total is its layers' sum.
    assert {layer['steps'] for layer in two['layers'].values()} == {2}
    assert {layer['steps'] for layer in four['layers'].values()} == {4}
    for row in (two, four):
        for key in ('spikes', 'sops'):
            assert row[key] == pytest.approx(
                sum(layer[key] for layer in row['layers'].values()))
    assert curve['timesteps']['4']['sops'] == per_t['4']['sops']
    assert any('features' in name for name in per_t['2']['layers'])
    # The whole bill beside compute alone; the figures at the largest T.
    assert 'E_tot/E_ANN' in proc.stdout and 'E_tot/E_int8' in proc.stdout
    bill = per_t['4']['energy']
    assert bill['fp32']['ratio'] == curve['timesteps']['4'][
        'energy_ratio_total'] > per_t['4']['energy_ratio']
    assert bill['fp32']['compute_ratio'] == pytest.approx(
        per_t['4']['energy_ratio'])
    for name in ('layers_T4.png', 'energy_T4.png'):
        assert (work / name).read_bytes()[:4] == b'\x89PNG'


def test_stats_needs_a_spiking_model(tmp_path, tiny_shapes, ann_checkpoint):
    proc = _run('tools/test.py', CFG, str(ann_checkpoint), '--stats',
                '--work-dir', str(tmp_path), *_data_opts(tiny_shapes))
    assert proc.returncode == 2
    assert '--stats needs a spiking model' in proc.stderr


def test_dump_needs_a_detector(tmp_path, tiny_shapes, ann_checkpoint):
    proc = _run('tools/test.py', CFG, str(ann_checkpoint), '--dump',
                str(tmp_path / 'd'), *_data_opts(tiny_shapes))
    assert proc.returncode == 2
    assert '--dump needs a spiking detector' in proc.stderr.splitlines()[-1]
