"""Every committed checkpoint is plain, small, and fits its config's model."""
from pathlib import Path

import pytest
import torch

from spikedet.registry import MODELS
from spikedet.utils.checkpoint import load_weights
from spikedet.utils.config import load_config

REPO = Path(__file__).resolve().parents[1]
CHECKPOINTS = sorted((REPO / 'data' / 'checkpoints').glob('*.pth'))
CONFIGS = {p.stem: p for p in (REPO / 'configs').rglob('*.py')
           if '_base_' not in p.parts}


def test_the_shipped_checkpoints_are_there():
    stems = {p.stem for p in CHECKPOINTS}
    assert {'yolov3_mbv2_shapes', 'faster-rcnn_r18_fpn_shapes',
            'yolov3_mbv2_shapes_casc-l8',
            'faster-rcnn_r18_fpn_shapes_casc-l8',
            'yolov3_mbv2_shapes_casc-l4',
            'faster-rcnn_r18_fpn_shapes_casc-l4'} <= stems


@pytest.mark.parametrize('path', CHECKPOINTS, ids=lambda p: p.name)
def test_checkpoint_is_plain_small_and_fits(path):
    assert path.stat().st_size <= 10 * 2**20
    raw = torch.load(path, map_location='cpu', weights_only=True)
    assert raw['meta']['classes']
    cfg = load_config(CONFIGS[path.stem])
    model = MODELS.build(cfg.model)
    meta = load_weights(model, path)
    assert len(meta['classes']) in (6, 80, 20)
