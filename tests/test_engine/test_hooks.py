"""SafeLoadHook + ClipCalibrationHook: a CASC fine-tune starts from a plain
checkpoint with calibrated clip tops."""
import logging
from types import SimpleNamespace

import pytest

from spikedet.conversion import ClipFloor
from spikedet.engine import ClipCalibrationHook, SafeLoadHook
from spikedet.registry import MODELS
from spikedet.utils.checkpoint import save_weights
from spikedet.utils.config import load_config
from spikedet.utils.errors import CheckpointError

CASC = 'configs/yolov3/yolov3_mbv2_shapes_casc-l8.py'
PLAIN = 'configs/yolov3/yolov3_mbv2_shapes.py'


def _runner(cfg, model):
    return SimpleNamespace(cfg=cfg, model=model,
                           logger=logging.getLogger('test'))


def test_plain_checkpoint_then_calibrated_tops(tiny_shapes, tmp_path):
    cfg = load_config(CASC)
    for split in ('train_dataloader', 'test_dataloader'):
        cfg[split].dataset.data_root = str(tiny_shapes)
    cfg.train_dataloader.batch_size = 2
    plain = MODELS.build(load_config(PLAIN).model)
    ckpt = tmp_path / 'plain.pth'
    save_weights(ckpt, plain.state_dict())
    model = MODELS.build(cfg.model)
    runner = _runner(cfg, model)
    with pytest.raises(CheckpointError, match='top'):
        SafeLoadHook(str(ckpt)).before_train(runner)
    SafeLoadHook(str(ckpt), allow_missing=['.top']).before_train(runner)
    ClipCalibrationHook(calib_batches=1).before_train(runner)
    tops = [float(m.top) for m in model.modules() if isinstance(m, ClipFloor)]
    assert len(tops) == 55
    assert all(t > 0 for t in tops) and len(set(tops)) > 40  # per site
    assert model.training  # train mode restored
