# ResNet-18 (CIFAR form, width 16) on the 32x32 shapes crops.
#   python tools/train.py configs/classification/resnet18_shapes.py
_base_ = [
    '../_base_/datasets/shapes_cls.py', '../_base_/schedules/sgd_cls.py',
    '../_base_/default_runtime.py'
]
model = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet18Cifar', width=16),
    num_classes=6,
    input_size=(32, 32),
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True))
