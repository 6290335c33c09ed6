# YOLOv3 (MobileNetV2 x0.5) on the embedded shapes data, COCO metric.
# 40 epochs, about 25 min on 2 CPU cores:
#   python tools/train.py configs/yolov3/yolov3_mbv2_shapes.py
_base_ = [
    '../_base_/models/yolov3_mbv2.py', '../_base_/datasets/shapes_coco.py',
    '../_base_/schedules/adamw_40e.py', '../_base_/default_runtime.py'
]
