# YOLOv3 (MobileNetV2 x0.5) on real COCO 2017 (data/coco, mmdet's layout).
_base_ = [
    '../_base_/models/yolov3_mbv2.py', '../_base_/datasets/coco_detection.py',
    '../_base_/schedules/adamw_24e.py', '../_base_/default_runtime.py'
]
model = dict(
    bbox_head=dict(
        num_classes=80,
        # mmdet's anchors for its 320-416 px YOLOv3-MobileNetV2 on COCO.
        anchor_generator=dict(base_sizes=[[(116, 90), (156, 198), (373, 326)],
                                          [(30, 61), (62, 45), (59, 119)],
                                          [(10, 13), (16, 30), (33, 23)]])))
