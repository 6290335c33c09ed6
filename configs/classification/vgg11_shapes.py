# VGG-11 (CIFAR form, width 16, max-pooling kept) on the 32x32 shapes crops.
#   python tools/train.py configs/classification/vgg11_shapes.py
_base_ = [
    '../_base_/models/shapes_classifier.py', '../_base_/datasets/shapes_cls.py',
    '../_base_/schedules/sgd_cls.py', '../_base_/default_runtime.py'
]
model = dict(backbone=dict(type='VGG11Cifar', width=16))
