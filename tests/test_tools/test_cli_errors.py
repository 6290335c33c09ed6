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


@pytest.mark.parametrize('mistake', ['unknown-type', 'unknown-key',
                                     'unwritable-out'])
def test_convert_tool_config_and_output_mistakes(tmp_path, mistake):
    # Each used to end in a traceback (KeyError, TypeError,
    # FileNotFoundError); each is one line and exit 2, before any work.
    blocker = tmp_path / 'a_file'
    blocker.write_text('x')
    out = str(tmp_path / 'out')
    options = []
    if mistake == 'unknown-type':
        options = ['--cfg-options', 'model.backbone.type=NoSuchNet']
        needle = "unknown type 'NoSuchNet'"
    elif mistake == 'unknown-key':
        options = ['--cfg-options', 'model.backbone.no_such_arg=1']
        needle = "unexpected keyword argument 'no_such_arg'"
    else:
        out = str(blocker / 'out')  # a folder inside a file
        needle = f'cannot write to {out}'
    proc = _run('tools/convert.py', YOLO_CFG,
                'data/checkpoints/yolov3_mbv2_shapes.pth', '--out', out,
                *options)
    _one_line_error(proc, needle)
    assert not (tmp_path / 'out').exists() or mistake == 'unwritable-out'


def test_test_tool_unknown_model_type(tmp_path):
    proc = _run('tools/test.py', YOLO_CFG,
                'data/checkpoints/yolov3_mbv2_shapes.pth', '--work-dir',
                str(tmp_path / 'work'), '--cfg-options',
                'model.neck.type=NoSuchNeck')
    _one_line_error(proc, "unknown type 'NoSuchNeck'")
