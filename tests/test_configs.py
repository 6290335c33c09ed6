"""Every config under configs/ loads and its model builds (and runs)."""
from pathlib import Path

import pytest
import torch

from spikedet.registry import MODELS
from spikedet.utils.config import load_config
from spikedet.errors import ConfigError

CONFIG_DIR = Path(__file__).resolve().parents[1] / 'configs'
CONFIGS = sorted(p for p in CONFIG_DIR.rglob('*.py') if '_base_' not in p.parts)


def test_there_are_configs():
    names = {p.name for p in CONFIGS}
    assert {'yolov3_mbv2_shapes.py', 'yolov3_mbv2_shapes-voc.py',
            'faster-rcnn_r18_fpn_shapes.py',
            'faster-rcnn_r18_fpn_shapes-voc.py', 'resnet18_shapes.py',
            'vgg11_shapes.py', 'resnet18_shapes_casc-l8.py',
            'vgg11_shapes_casc-l8.py'} <= names
    assert len(DETECTOR_CONFIGS) == 2


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.name)
def test_config_loads_and_model_builds(path):
    cfg = load_config(path)
    assert cfg.default_scope == 'spikedet'
    model = MODELS.build(cfg.model)
    model.eval()
    assert sum(p.numel() for p in model.parameters()) > 0
    # No config may ask for downloaded weights.
    assert 'Pretrained' not in cfg.pretty_text


DETECTOR_CONFIGS = [p for p in CONFIGS if p.parent.name in ('yolov3', 'faster_rcnn')
                    and p.name.endswith('_shapes.py')]


@pytest.mark.parametrize('path', DETECTOR_CONFIGS, ids=lambda p: p.name)
def test_shapes_models_run_and_fit_the_size_budget(path):
    from mmdet.structures import DetDataSample
    cfg = load_config(path)
    model = MODELS.build(cfg.model).eval()
    num_bytes = sum(t.numel() * t.element_size()
                    for t in model.state_dict().values())
    assert num_bytes <= 10 * 2**20
    sample = DetDataSample(metainfo=dict(img_shape=(128, 160),
                                         ori_shape=(128, 160),
                                         scale_factor=(1.0, 1.0)))
    data = dict(inputs=[torch.randint(0, 255, (3, 128, 160),
                                      dtype=torch.uint8)],
                data_samples=[sample])
    with torch.no_grad():
        out = model.test_step(data)
    assert len(out) == 1 and hasattr(out[0], 'pred_instances')


def test_missing_config_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match='config not found'):
        load_config(tmp_path / 'nope.py')


def test_broken_config_is_a_clear_error(tmp_path):
    bad = tmp_path / 'bad.py'
    bad.write_text('model = dict(\n')
    with pytest.raises(ConfigError, match='cannot load config'):
        load_config(bad)
