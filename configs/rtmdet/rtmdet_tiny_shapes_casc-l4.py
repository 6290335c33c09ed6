# CASC quantization-aware RTMDet-tiny, spike-driven, L = 4, in one fine-tune
# from the SiLU ANN: QuantizedModel replaces every activation site (the
# SiLUs, the channel attention's hard sigmoid) with a 4-level clip-floor and
# every identity site with a signed one; ClipCalibrationHook calibrates the
# tops, and DistillationHook makes the neck imitate the SiLU ANN's (a frozen
# teacher, weight 10, as the YOLOv3's distillation rounds). The channel
# attention's product stays an analog island.
# Convert with --method cif_wsc_l4:
#   python tools/train.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4.py \
#       --export data/checkpoints/rtmdet_tiny_shapes_casc-l4.pth
_base_ = ['./rtmdet_tiny_shapes.py']
_detector = {{_base_.model}}
model = dict(_delete_=True, type='QuantizedModel', model=_detector,
             levels=4, learn_top=True, shift=0.5, spike_driven=True)
custom_hooks = [
    dict(type='SafeLoadHook',
         checkpoint='data/checkpoints/rtmdet_tiny_shapes.pth',
         allow_missing=['.top']),
    dict(type='ClipCalibrationHook', calib_batches=10),
    dict(type='DistillationHook', teacher=_detector,
         checkpoint='data/checkpoints/rtmdet_tiny_shapes.pth',
         feature='neck', weight=10.0)
]
max_epochs = 10
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(
    optimizer=dict(lr=5e-4),  # the plain ANN's AdamW, a fine-tune's rate
    # bypass_duplicate: the head shares its convs across levels.
    paramwise_cfg=dict(custom_keys={'.top': dict(decay_mult=0)},
                       bypass_duplicate=True))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=100),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs,
         T_max=max_epochs, eta_min=1e-6, convert_to_iter_based=True)
]
