"""TimestepMetric feeds unmodified mmdet metrics, one per read-out."""
import json

import numpy as np
import torch
from mmengine.structures import InstanceData

from spikedet.datasets.shapes_renderer import SHAPE_CLASSES
from spikedet.evaluation import TimestepMetric, extract_curve


def _samples(ann_file, shift):
    coco = json.loads(open(ann_file).read())
    samples = []
    for image in coco['images']:
        anns = [a for a in coco['annotations'] if a['image_id'] == image['id']]
        boxes = torch.tensor([[a['bbox'][0], a['bbox'][1],
                               a['bbox'][0] + a['bbox'][2],
                               a['bbox'][1] + a['bbox'][3]] for a in anns],
                             dtype=torch.float32)
        labels = torch.tensor([a['category_id'] - 1 for a in anns])

        def pred(offset, boxes=boxes, anns=anns, labels=labels):
            inst = InstanceData()
            inst.bboxes = boxes + offset
            inst.scores = torch.ones(len(anns))
            inst.labels = labels
            return inst

        samples.append(dict(img_id=image['id'],
                            ori_shape=(image['height'], image['width']),
                            pred_instances=pred(0).to_dict(),
                            timestep_preds={1: pred(shift), 4: pred(0)},
                            timestep_steps={1: (1, 1), 4: (4, 60)}))
    return samples


def test_per_t_coco_metrics_and_dump(tiny_shapes, tmp_path):
    ann_file = str(tiny_shapes / 'annotations' / 'instances_val.json')
    metric = TimestepMetric(dict(type='CocoMetric', ann_file=ann_file,
                                 metric='bbox'), dump_dir=str(tmp_path))
    metric.dataset_meta = dict(classes=SHAPE_CLASSES)
    samples = _samples(ann_file, shift=6.0)
    metric.process({}, samples)
    result = metric.evaluate(len(samples))
    assert result['coco/ann/bbox_mAP'] == 1.0
    assert result['coco/T4/bbox_mAP'] == 1.0
    assert result['coco/T1/bbox_mAP'] < 1.0
    assert result['coco/T4/total_steps'] == 60.0
    curve = extract_curve(result)
    assert sorted(curve['timesteps']) == [1, 4]
    dumped = json.loads((tmp_path / 'T4.bbox.json').read_text())
    assert len(dumped) == sum(len(s['timestep_preds'][4]) for s in samples)
    assert (tmp_path / 'T1.bbox.json').is_file()
    assert np.isclose(dumped[0]['score'], 1.0)


def test_a_readout_without_detections_scores_zero(tiny_shapes):
    ann_file = str(tiny_shapes / 'annotations' / 'instances_val.json')
    metric = TimestepMetric(dict(type='CocoMetric', ann_file=ann_file,
                                 metric='bbox'))
    metric.dataset_meta = dict(classes=SHAPE_CLASSES)
    samples = _samples(ann_file, shift=0.0)
    empty = InstanceData(bboxes=torch.zeros(0, 4), scores=torch.zeros(0),
                         labels=torch.zeros(0, dtype=torch.long))
    for sample in samples:
        sample['timestep_preds'][1] = empty
    metric.process({}, samples)
    result = metric.evaluate(len(samples))
    assert result['coco/T1/bbox_mAP'] == 0.0
    assert result['coco/T1/bbox_mAP_50'] == 0.0
    assert result['coco/T4/bbox_mAP'] == 1.0


def test_only_processed_images_are_scored(tiny_shapes):
    ann_file = str(tiny_shapes / 'annotations' / 'instances_val.json')
    metric = TimestepMetric(dict(type='CocoMetric', ann_file=ann_file,
                                 metric='bbox'))
    metric.dataset_meta = dict(classes=SHAPE_CLASSES)
    samples = _samples(ann_file, shift=0.0)[:3]  # a subset of the split
    metric.process({}, samples)
    result = metric.evaluate(len(samples))
    assert result['coco/ann/bbox_mAP'] == 1.0
    assert result['coco/T4/bbox_mAP'] == 1.0


def _with_box_polygons(ann_file, out_file):
    """The annotation file with each box as its object's segmentation."""
    coco = json.loads(open(ann_file).read())
    for ann in coco['annotations']:
        x, y, w, h = ann['bbox']
        ann['segmentation'] = [[x, y, x + w, y, x + w, y + h, x, y + h]]
    out_file.write_text(json.dumps(coco))
    return str(out_file)


def _box_masks(inst, shape):
    masks = torch.zeros(len(inst), *shape, dtype=torch.bool)
    for mask, (x1, y1, x2, y2) in zip(masks, inst.bboxes.long().tolist()):
        mask[max(y1, 0):y2, max(x1, 0):x2] = True
    return masks


def test_masks_are_scored_by_the_segm_metric(tiny_shapes, tmp_path):
    """A Mask R-CNN's read-outs carry masks: the wrapped CocoMetric scores
    segm beside bbox at every T (a mask displaced with its box loses)."""
    ann_file = _with_box_polygons(
        tiny_shapes / 'annotations' / 'instances_val.json',
        tmp_path / 'val.json')
    metric = TimestepMetric(dict(type='CocoMetric', ann_file=ann_file,
                                 metric=['bbox', 'segm']))
    metric.dataset_meta = dict(classes=SHAPE_CLASSES)
    samples = _samples(ann_file, shift=6.0)
    for sample in samples:
        preds = [sample['timestep_preds'][1], sample['timestep_preds'][4]]
        for inst in preds:
            inst.masks = _box_masks(inst, sample['ori_shape'])
        sample['pred_instances']['masks'] = preds[1].masks
    metric.process({}, samples)
    result = metric.evaluate(len(samples))
    assert result['coco/ann/segm_mAP'] == 1.0
    assert result['coco/T4/segm_mAP'] == 1.0
    assert result['coco/T1/segm_mAP'] < 1.0
    assert result['coco/T4/bbox_mAP'] == 1.0
