# ResNet-18 (CIFAR form, width 16) on the 32x32 shapes crops.
#   python tools/train.py configs/classification/resnet18_shapes.py
_base_ = [
    '../_base_/models/shapes_classifier.py', '../_base_/datasets/shapes_cls.py',
    '../_base_/schedules/sgd_cls.py', '../_base_/default_runtime.py'
]
model = dict(backbone=dict(type='ResNet18Cifar', width=16))
