# Faster R-CNN (ResNet-18 x0.375 + FPN) on the embedded shapes data as a VOC
# tree, VOCMetric; evaluates the checkpoint of faster-rcnn_r18_fpn_shapes.py.
_base_ = [
    '../_base_/models/faster-rcnn_r18_fpn.py',
    '../_base_/datasets/shapes_voc.py', '../_base_/schedules/adamw_shapes.py',
    '../_base_/default_runtime.py'
]

# Schedule: 24 epochs of AdamW with warm-up and cosine decay
# (about 30 min on 2 CPU cores).
max_epochs = 24
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=200),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs,
         T_max=max_epochs, eta_min=1e-5, convert_to_iter_based=True)
]
