# Faster R-CNN (ResNet-18 x0.375 + FPN) on real COCO 2017 (data/coco).
_base_ = [
    '../_base_/models/faster-rcnn_r18_fpn.py',
    '../_base_/datasets/coco_detection.py',
    '../_base_/schedules/adamw_24e.py', '../_base_/default_runtime.py'
]
model = dict(
    rpn_head=dict(anchor_generator=dict(scales=[8])),
    roi_head=dict(bbox_head=dict(num_classes=80)))
