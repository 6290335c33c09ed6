"""CASC's central claim on whole detectors: at T = L wake steps the SNN's
detections after NMS are its quantized ANN's (algorithms_casc.md §5.3)."""
import copy

import pytest
import torch
from mmengine.dataset import pseudo_collate

from spikedet.registry import DATASETS, MODELS
from spikedet.utils.checkpoint import load_weights
from spikedet.utils.config import load_config

LEVELS = 4  # the shipped *_casc-l4 checkpoints and the cif_wsc_l4 preset


def _images(cfg, root, count=3, side=128):
    """The first ``count`` val images of ``root`` at ``side`` px (the
    config's test pipeline otherwise)."""
    dataset = copy.deepcopy(cfg.test_dataloader.dataset)
    dataset.update(data_root=f'{root}/', indices=count)
    for step in dataset.pipeline:
        if step['type'] == 'Resize':
            step['scale'] = (side, side)
    dataset = DATASETS.build(dataset)
    return pseudo_collate([dataset[i] for i in range(count)])


@pytest.mark.parametrize('name,config', [
    ('yolov3_mbv2_shapes_casc-l4', 'configs/yolov3'),
    ('faster-rcnn_r18_fpn_shapes_casc-l4', 'configs/faster_rcnn')])
def test_casc_detections_equal_the_quantized_anns_at_t_l(tiny_shapes, name,
                                                         config):
    cfg = load_config(f'{config}/{name}.py')
    assert cfg.model.levels == LEVELS
    snn = MODELS.build(dict(type='SpikingDetector', ann=cfg.model,
                            conversion=dict(method=f'cif_wsc_l{LEVELS}'),
                            timesteps=[LEVELS])).eval()
    load_weights(snn.ann, f'data/checkpoints/{name}.pth')
    data = _images(cfg, tiny_shapes)
    with torch.no_grad():
        snn.calibrate([snn.data_preprocessor(data, False)])
        # pred_instances: the quantized ANN on the same batch.
        results = snn.test_step(data)
    found = 0
    for result in results:
        ann, spiking = result.pred_instances, result.timestep_preds[LEVELS]
        wake, _ = result.timestep_steps[LEVELS]
        assert wake == LEVELS
        assert len(spiking) == len(ann)
        assert torch.equal(spiking.labels, ann.labels)
        # Float32 sums in another order (spikes, channels-last): rounding.
        torch.testing.assert_close(spiking.scores, ann.scores, rtol=0,
                                   atol=1e-5)
        torch.testing.assert_close(spiking.bboxes, ann.bboxes, rtol=0,
                                   atol=1e-3)
        found += int((ann.scores > 0.3).sum())
    assert found >= len(results)  # real detections, not an empty match
