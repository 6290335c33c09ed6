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
from spikedet.errors import CheckpointError

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
    # 55 activation sites, 20 identity sites with a top per sign.
    assert len(tops) == 55 + 2 * 20
    assert all(t > 0 for t in tops) and len(set(tops)) > 80  # per site
    assert model.training  # train mode restored


def test_calibrating_only_the_identity_sites(tiny_shapes):
    """A quantized (non-spike-driven) checkpoint fine-tuned spike-driven
    keeps its learnt tops; only the new signed clip-floors calibrate."""
    cfg = load_config(CASC)
    for split in ('train_dataloader', 'test_dataloader'):
        cfg[split].dataset.data_root = str(tiny_shapes)
    cfg.train_dataloader.batch_size = 2
    model = MODELS.build(cfg.model)
    before = {n: float(m.top) for n, m in model.named_modules()
              if isinstance(m, ClipFloor)}
    ClipCalibrationHook(calib_batches=1, include=['spikedet_input']
                        ).before_train(_runner(cfg, model))
    after = {n: float(m.top) for n, m in model.named_modules()
             if isinstance(m, ClipFloor)}
    changed = {n for n in after if after[n] != before[n]}
    # (random weights: some identity sites see no value of one sign and
    # keep their top, like any site the batches never reach)
    assert changed and all('spikedet_input' in n for n in changed)
    assert len([n for n in after if 'spikedet_input' not in n]) == 55


def test_progress_bar_counts_the_test_batches(capfd):
    from spikedet.engine.hooks import TestProgressHook
    hook = TestProgressHook()
    runner = SimpleNamespace(test_dataloader=[0] * 3)
    hook.before_test(runner)
    for i in range(3):
        hook.after_test_iter(runner, i)
    hook.after_test(runner)
    out = capfd.readouterr().out
    assert '0/3' in out and '3/3' in out and out.endswith('\n')
    assert hook.bar is None
