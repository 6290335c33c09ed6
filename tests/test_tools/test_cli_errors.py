"""User mistakes at the command line: non-zero exit, one clear line."""
import os
import pickle
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


def _tiny_data(root) -> list:
    root = f'{root}/'
    return [f'test_dataloader.dataset.data_root={root}',
            f'test_evaluator.ann_file={root}annotations/instances_val.json']


@pytest.mark.parametrize('tool', ['test', 'convert'])
def test_non_finite_weights_are_refused_by_their_first_key(tmp_path,
                                                           tiny_shapes, tool):
    # They used to convert and evaluate silently (exit 0, mAP 0).
    ckpt = torch.load('data/checkpoints/yolov3_mbv2_shapes.pth',
                      weights_only=True)
    keys = list(ckpt['state_dict'])
    first, later = keys[10], keys[20]
    ckpt['state_dict'][first][..., 0] = float('nan')
    ckpt['state_dict'][later][..., 0] = float('inf')
    path = tmp_path / 'diverged.pth'
    torch.save(ckpt, path)
    if tool == 'test':
        proc = _run('tools/test.py', YOLO_CFG, str(path), '--work-dir',
                    str(tmp_path / 'work'), '--cfg-options',
                    *_tiny_data(tiny_shapes))
    else:
        proc = _run('tools/convert.py', YOLO_CFG, str(path), '--out',
                    str(tmp_path / 'out'))
    _one_line_error(proc, f'holds non-finite weights (NaN or inf) in {first} '
                    '(and 1 more tensors)')
    assert not (tmp_path / 'out' / 'snn.pth').exists()


@pytest.mark.parametrize('missing', ['data_root', 'ann_file', 'evaluator',
                                     'calibration'])
def test_missing_data_names_the_path_and_the_key(tmp_path, tiny_shapes,
                                                 missing):
    # Each used to end in a FileNotFoundError traceback from pycocotools.
    options = _tiny_data(tiny_shapes)
    nowhere = f'{tmp_path}/nowhere'
    tool = ['tools/test.py', YOLO_CFG,
            'data/checkpoints/yolov3_mbv2_shapes.pth', '--work-dir',
            str(tmp_path / 'work')]
    if missing == 'data_root':
        options[0] = f'test_dataloader.dataset.data_root={nowhere}/'
        needle = (f'data root {nowhere}/ does not exist: set '
                  'test_dataloader.dataset.data_root')
    elif missing == 'ann_file':
        options.append('test_dataloader.dataset.ann_file=annotations/x.json')
        needle = (f'annotation file {tiny_shapes}/annotations/x.json does '
                  'not exist: set test_dataloader.dataset.ann_file')
    elif missing == 'evaluator':
        # With --snn the metric is wrapped per T; the key is still the one
        # the config (and --cfg-options) spells.
        options[1] = f'test_evaluator.ann_file={nowhere}.json'
        tool += ['--snn', 'if']
        needle = (f'annotation file {nowhere}.json does not exist: set '
                  'test_evaluator.ann_file')
    else:  # the calibration batches of tools/convert.py
        options = [f'train_dataloader.dataset.data_root={nowhere}/']
        tool = ['tools/convert.py', YOLO_CFG,
                'data/checkpoints/yolov3_mbv2_shapes.pth', '--out',
                str(tmp_path / 'out')]
        needle = (f'data root {nowhere}/ does not exist: set '
                  'train_dataloader.dataset.data_root')
    proc = _run(*tool, '--cfg-options', *options)
    _one_line_error(proc, needle)


def test_a_launcher_without_its_environment_says_how_to_start(tmp_path):
    # It used to end in a ValueError traceback about RANK.
    env = {k: v for k, v in os.environ.items()
           if k not in ('RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'MASTER_ADDR',
                        'MASTER_PORT')}
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', YOLO_CFG,
         'data/checkpoints/yolov3_mbv2_shapes.pth', '--launcher', 'pytorch',
         '--work-dir', str(tmp_path / 'work')],
        cwd=REPO, text=True, capture_output=True, timeout=300, env=env)
    _one_line_error(proc, '--launcher pytorch needs the environment its '
                    'starter sets (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR,'
                    ' MASTER_PORT missing): start the tool with torchrun, '
                    'e.g. tools/dist_test.sh')


class _System:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


@pytest.mark.parametrize('container', ['zip', 'legacy'])
def test_an_unsafe_pickle_is_refused_by_the_global_it_calls(
        tmp_path, tiny_shapes, container):
    # A plain (non-zip) pickle used to be called "not a readable PyTorch
    # checkpoint (corrupt, truncated, ...)".
    marker = tmp_path / 'pwned'
    payload = dict(state_dict={}, meta=dict(x=_System(f'touch {marker}')))
    path = tmp_path / 'evil.pth'
    if container == 'zip':
        torch.save(payload, path)
    else:
        path.write_bytes(pickle.dumps(payload, protocol=4))
    proc = _run('tools/test.py', YOLO_CFG, str(path), '--work-dir',
                str(tmp_path / 'work'), '--cfg-options',
                *_tiny_data(tiny_shapes))
    _one_line_error(proc, f'contains a call to {os.system.__module__}.system;'
                    ' refused')
    assert not marker.exists()
