"""Config loading: files, configs inside packages, clear errors."""
import pytest

from spikedet.utils.config import load_config
from spikedet.errors import ConfigError


def test_a_config_shipped_inside_mmdet_loads_by_package_name():
    cfg = load_config('mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py')
    assert cfg.model.type == 'FasterRCNN'
    assert cfg.model.backbone.depth == 50


@pytest.mark.parametrize('path, needle', [
    ('nosuchpackage::a/b.py', "package 'nosuchpackage' is not installed"),
    ('mmdet::faster_rcnn/no_such_config.py', 'config not found'),
])
def test_bad_package_configs_are_refused(path, needle):
    with pytest.raises(ConfigError, match=needle):
        load_config(path)
