# CASC quantization-aware RTMDet-tiny, spike-driven, L = 4, fine-tuned from
# the SiLU ANN. QuantizedModel keeps each function's shape
# (keep_functions=True): every SiLU becomes a 4-level clip-floor of its
# output with its negative tail dropped (signed_functions=False, so each
# neuron fires at most L spikes of one sign, as after a rectifier), the
# channel attention's hard sigmoid a clip-floor of its output; every
# identity site gets a signed clip-floor and the channel attention's
# product stays an analog island. ClipCalibrationHook calibrates the tops,
# DistillationHook makes the neck imitate the SiLU ANN's (a frozen teacher,
# weight 10), 10 epochs at lr 5e-4; then a distilled round
# (rtmdet_tiny_shapes_casc-l4-ft.py) and one on the detection loss alone
# (rtmdet_tiny_shapes_casc-l4-ft-det.py), each from the previous export.
# The shipped checkpoint had these three rounds (docs/training.md):
#   python tools/train.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4.py \
#       --export R1.pth
#   python tools/train.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4-ft.py \
#       --export R2.pth --cfg-options custom_hooks.0.checkpoint=R1.pth
#   python tools/train.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4-ft-det.py \
#       --export R3.pth --cfg-options custom_hooks.0.checkpoint=R2.pth
# Convert with --snn cif_wsc_l4 (a sleep phase after every 4 wake steps).
_base_ = ['./rtmdet_tiny_shapes.py']
_detector = {{_base_.model}}
model = dict(_delete_=True, type='QuantizedModel', model=_detector,
             levels=4, learn_top=True, shift=0.5, spike_driven=True,
             keep_functions=True, signed_functions=False)
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
