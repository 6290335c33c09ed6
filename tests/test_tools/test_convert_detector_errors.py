"""tools/convert.py on detectors: bad input gives one clear line."""
import subprocess
import sys
from pathlib import Path

import torch

from spikedet.registry import MODELS
from spikedet.utils.checkpoint import save_weights
from spikedet.utils.config import load_config

REPO = Path(__file__).resolve().parents[2]


def test_unsupported_activation_names_the_module(tmp_path, tiny_shapes):
    proc = _convert(tmp_path, tiny_shapes, 'yolo_rrelu',
                    "model = dict(backbone=dict(act_cfg=dict(type='RReLU')))")
    assert proc.returncode == 2, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: backbone.conv1.activate (RReLU) calls '
                           'RReLU')
    assert 'fine-tune the ANN with ReLU' in last and 'Traceback' not in proc.stderr
    assert not (tmp_path / 'out' / 'snn.pth').exists()


def _convert(tmp_path, tiny_shapes, name, change, *extra):
    """tools/convert.py on the YOLOv3 shapes config with ``change`` (a
    config line) and random weights."""
    cfg_path = tmp_path / f'{name}.py'
    cfg_path.write_text(
        f"_base_ = ['{REPO}/configs/yolov3/yolov3_mbv2_shapes.py']\n"
        + change + '\n')
    torch.manual_seed(0)
    model = MODELS.build(load_config(cfg_path).model)
    ckpt = tmp_path / 'w.pth'
    save_weights(ckpt, model.state_dict(), dict(classes=None))
    root = f'{tiny_shapes}/'
    return subprocess.run(
        [sys.executable, 'tools/convert.py', str(cfg_path), str(ckpt),
         '--out', str(tmp_path / 'out'), '--calib-batches', '1', *extra,
         '--cfg-options', f'train_dataloader.dataset.data_root={root}',
         f'test_dataloader.dataset.data_root={root}',
         'train_dataloader.num_workers=0',
         'train_dataloader.persistent_workers=False'],
        cwd=REPO, text=True, capture_output=True, timeout=600)


def test_strict_refuses_an_analog_island(tmp_path, tiny_shapes):
    """A GroupNorm neck converts as an analog island, and --strict refuses
    it with the module path and the remedy."""
    gn = ("model = dict(neck=dict(norm_cfg=dict(type='GN', num_groups=8)))")
    proc = _convert(tmp_path, tiny_shapes, 'yolo_gn', gn, '--strict')
    assert proc.returncode == 2, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: neck.') and '(GroupNorm) computes on ' \
        'analog values' in last and "norm_cfg=dict(type='BN')" in last
    assert 'Traceback' not in proc.stderr
    assert not (tmp_path / 'out' / 'snn.pth').exists()
    proc = _convert(tmp_path, tiny_shapes, 'yolo_gn', gn)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'analog island: GroupNorm' in proc.stdout
