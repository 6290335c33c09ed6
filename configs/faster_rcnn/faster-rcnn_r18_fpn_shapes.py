# Faster R-CNN (ResNet-18 x0.375 + FPN) on the embedded shapes data, COCO
# metric. 24 epochs, about 30 min on 2 CPU cores:
#   python tools/train.py configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py
_base_ = [
    '../_base_/models/faster-rcnn_r18_fpn.py',
    '../_base_/datasets/shapes_coco.py', '../_base_/schedules/adamw_24e.py',
    '../_base_/default_runtime.py'
]
