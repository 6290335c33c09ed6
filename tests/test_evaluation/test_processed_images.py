"""ProcessedImagesMetric: a subset of a COCO file scored as that subset."""
import json

import pytest
import torch

from spikedet.datasets.shapes_renderer import SHAPE_CLASSES
from spikedet.evaluation.metrics import (ProcessedImagesMetric,
                                         score_processed_images_only)
from spikedet.registry import METRICS


def _perfect_samples(ann_file, count):
    """Exact predictions for the first ``count`` images of ``ann_file``."""
    coco = json.loads(open(ann_file).read())
    samples = []
    for image in coco['images'][:count]:
        anns = [a for a in coco['annotations'] if a['image_id'] == image['id']]
        boxes = torch.tensor([[a['bbox'][0], a['bbox'][1],
                               a['bbox'][0] + a['bbox'][2],
                               a['bbox'][1] + a['bbox'][3]] for a in anns],
                             dtype=torch.float32).reshape(-1, 4)
        samples.append(dict(
            img_id=image['id'], ori_shape=(image['height'], image['width']),
            pred_instances=dict(bboxes=boxes, scores=torch.ones(len(anns)),
                                labels=torch.tensor(
                                    [a['category_id'] - 1 for a in anns]))))
    return samples


def _score(metric, samples):
    metric.dataset_meta = dict(classes=SHAPE_CLASSES)
    metric.process({}, samples)
    return metric.evaluate(len(samples))


def test_a_subset_scores_as_itself_not_as_the_whole_file(tiny_shapes):
    ann_file = str(tiny_shapes / 'annotations' / 'instances_val.json')
    images = len(json.loads(open(ann_file).read())['images'])
    assert images > 2
    coco = dict(type='CocoMetric', ann_file=ann_file, metric='bbox')
    samples = _perfect_samples(ann_file, 2)
    plain = _score(METRICS.build(coco), samples)
    wrapped = _score(ProcessedImagesMetric(coco), _perfect_samples(ann_file, 2))
    # mmdet's own metric counts the unseen images' objects as missed.
    assert plain['coco/bbox_mAP_50'] < 0.9
    assert wrapped['coco/bbox_mAP_50'] == pytest.approx(1.0)
    assert set(wrapped) == set(plain)  # same names, same prefix


def test_only_whole_file_metrics_are_wrapped():
    coco = dict(type='CocoMetric', ann_file='a.json', metric='bbox')
    voc = dict(type='VOCMetric', metric='mAP')
    assert score_processed_images_only(coco) == dict(
        type='ProcessedImagesMetric', metric=coco)
    assert score_processed_images_only(voc) == voc
    listed = score_processed_images_only([coco, voc])
    assert [m['type'] for m in listed] == ['ProcessedImagesMetric',
                                           'VOCMetric']
    evaluator = score_processed_images_only(dict(type='Evaluator',
                                                 metrics=[coco]))
    assert evaluator['metrics'][0]['type'] == 'ProcessedImagesMetric'
    timestep = dict(type='TimestepMetric', metric=coco)
    assert score_processed_images_only(timestep) == timestep
