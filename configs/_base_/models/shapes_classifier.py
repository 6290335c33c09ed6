# Image classifier for the 32x32 shapes crops; leaf configs choose the
# backbone.
model = dict(
    type='ImageClassifier',
    backbone=dict(),  # set by the leaf config
    num_classes=6,
    input_size=(32, 32),
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True))
