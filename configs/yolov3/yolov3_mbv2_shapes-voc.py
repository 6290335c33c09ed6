# YOLOv3 (MobileNetV2 x0.5) on the embedded shapes data as a VOC tree,
# VOCMetric. Same images and class order as yolov3_mbv2_shapes.py: evaluate
# its checkpoint with this config to get the VOC mAP.
_base_ = [
    '../_base_/models/yolov3_mbv2.py', '../_base_/datasets/shapes_voc.py',
    '../_base_/schedules/adamw_40e.py', '../_base_/default_runtime.py'
]
