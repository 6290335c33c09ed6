# A further fine-tuning round of the CASC RTMDet-tiny
# (rtmdet_tiny_shapes_casc-l4.py), from the previous round's export: the
# tops are learnt already, so nothing is calibrated;
# the neck distillation from the SiLU ANN drops to weight 2 (at weight 10
# its term was 95 % of the loss and the detection losses stayed at twice
# the SiLU ANN's); 20 epochs at lr 5e-4.
#   python tools/train.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4-ft.py \
#       --export R2.pth --cfg-options custom_hooks.0.checkpoint=R1.pth
_base_ = ['./rtmdet_tiny_shapes_casc-l4.py']
_detector = {{_base_._detector}}
custom_hooks = [
    dict(type='SafeLoadHook',
         checkpoint='work_dirs/rtmdet_tiny_shapes_casc-l4.pth'),
    dict(type='DistillationHook', teacher=_detector,
         checkpoint='data/checkpoints/rtmdet_tiny_shapes.pth',
         feature='neck', weight=2.0)
]
max_epochs = 20
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=100),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs,
         T_max=max_epochs, eta_min=1e-6, convert_to_iter_based=True)
]
