# YOLOv3 (MobileNetV2 x0.5) on the embedded shapes data, COCO metric.
#   python tools/train.py configs/yolov3/yolov3_mbv2_shapes.py
_base_ = [
    '../_base_/models/yolov3_mbv2.py', '../_base_/datasets/shapes_coco.py',
    '../_base_/schedules/adamw_shapes.py', '../_base_/default_runtime.py'
]

# Schedule: 40 epochs of AdamW with warm-up and cosine decay
# (about 25 min on 2 CPU cores).
max_epochs = 40
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=200),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs,
         T_max=max_epochs, eta_min=1e-5, convert_to_iter_based=True)
]
