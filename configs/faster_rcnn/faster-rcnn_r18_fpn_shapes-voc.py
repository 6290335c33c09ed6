# Faster R-CNN (ResNet-18 x0.375 + FPN) on the embedded shapes data as a VOC
# tree, VOCMetric; evaluates the checkpoint of faster-rcnn_r18_fpn_shapes.py.
_base_ = [
    '../_base_/models/faster-rcnn_r18_fpn.py',
    '../_base_/datasets/shapes_voc.py', '../_base_/schedules/adamw_24e.py',
    '../_base_/default_runtime.py'
]
