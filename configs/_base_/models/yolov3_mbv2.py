# YOLOv3 with a MobileNetV2 backbone at half width (widen_factor=0.5) and a
# slim neck / head. Topology is mmdet's YOLOv3-MobileNetV2 (3 scales, strides
# 32/16/8). The backbone keeps MobileNetV2's own ReLU6 (mmdet's COCO config
# swaps it for LeakyReLU); the neck and head keep YOLOv3's LeakyReLU(0.1).
# No pretrained weights: init_cfg=None everywhere.
model = dict(
    type='YOLOV3',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=32),
    backbone=dict(
        type='MobileNetV2',
        widen_factor=0.5,
        out_indices=(2, 4, 6),
        act_cfg=dict(type='ReLU6'),
        init_cfg=None),
    neck=dict(
        type='YOLOV3Neck',
        num_scales=3,
        in_channels=[160, 48, 16],
        out_channels=[96, 64, 32]),
    bbox_head=dict(
        type='YOLOV3Head',
        num_classes=6,
        in_channels=[96, 64, 32],
        out_channels=[192, 128, 64],
        anchor_generator=dict(
            type='YOLOAnchorGenerator',
            # Hand-picked for objects of 11-256 px at the 256 px input scale.
            base_sizes=[[(88, 80), (120, 128), (180, 176)],
                        [(36, 40), (48, 52), (64, 64)],
                        [(12, 12), (18, 20), (26, 28)]],
            strides=[32, 16, 8]),
        bbox_coder=dict(type='YOLOBBoxCoder'),
        featmap_strides=[32, 16, 8],
        loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=True,
                      loss_weight=1.0, reduction='sum'),
        loss_conf=dict(type='CrossEntropyLoss', use_sigmoid=True,
                       loss_weight=1.0, reduction='sum'),
        loss_xy=dict(type='CrossEntropyLoss', use_sigmoid=True,
                     loss_weight=2.0, reduction='sum'),
        loss_wh=dict(type='MSELoss', loss_weight=2.0, reduction='sum')),
    train_cfg=dict(
        assigner=dict(type='GridAssigner', pos_iou_thr=0.5, neg_iou_thr=0.5,
                      min_pos_iou=0)),
    test_cfg=dict(
        nms_pre=1000,
        min_bbox_size=0,
        score_thr=0.05,
        conf_thr=0.005,
        nms=dict(type='nms', iou_threshold=0.45),
        max_per_img=100))
