"""User mistakes at the command line: non-zero exit, one clear line."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
YOLO_CFG = 'configs/yolov3/yolov3_mbv2_shapes.py'


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, text=True,
                          capture_output=True, timeout=300)


def _one_line_error(proc: subprocess.CompletedProcess, needle: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith('error: ') and needle in lines[-1]
    assert 'Traceback' not in proc.stderr


def test_test_tool_missing_config(tmp_path):
    proc = _run('tools/test.py', str(tmp_path / 'missing.py'), 'x.pth')
    _one_line_error(proc, 'config not found')


def test_train_tool_missing_config(tmp_path):
    proc = _run('tools/train.py', str(tmp_path / 'missing.py'))
    _one_line_error(proc, 'config not found')


@pytest.mark.parametrize('kind', ['missing', 'corrupt', 'other-model'])
def test_test_tool_bad_checkpoint(tmp_path, tiny_shapes, kind):
    ckpt = tmp_path / 'w.pth'
    if kind == 'corrupt':
        ckpt.write_bytes(b'not a checkpoint at all')
    elif kind == 'other-model':
        torch.save(dict(state_dict={'fc.weight': torch.zeros(2, 2)}), ckpt)
    needle = {'missing': 'checkpoint not found',
              'corrupt': 'not a readable PyTorch checkpoint',
              'other-model': 'does not match the model'}[kind]
    root = str(tiny_shapes) + '/'
    proc = _run('tools/test.py', YOLO_CFG, str(ckpt), '--work-dir',
                str(tmp_path / 'work'), '--cfg-options',
                f'test_dataloader.dataset.data_root={root}',
                f'test_evaluator.ann_file={root}annotations/instances_val.json')
    _one_line_error(proc, needle)
