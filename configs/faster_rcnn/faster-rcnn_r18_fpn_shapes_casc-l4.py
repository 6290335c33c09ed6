# CASC quantization-aware Faster R-CNN, spike-driven, L = 4: as
# faster-rcnn_r18_fpn_shapes_casc-l8-analog.py (clip-floor activations with calibrated,
# learnt tops and rounding levels), plus a signed clip-floor at every
# identity site (a synaptic layer reading another's output: FPN lateral ->
# output convs, linear bottlenecks, neck -> head, the box head on RoI features),
# so that the spike-driven SNN of --method cif_wsc_l4 reproduces it at 4 wake steps.
# Fine-tuned from the non-spike-driven L = 8 checkpoint: its learnt tops are
# kept (as starting points for L = 4), the identity sites' tops are calibrated first.
#   python tools/train.py configs/faster_rcnn/faster-rcnn_r18_fpn_shapes_casc-l4.py \
#       --export data/checkpoints/faster-rcnn_r18_fpn_shapes_casc-l4.pth
_base_ = [
    '../_base_/models/faster-rcnn_r18_fpn.py',
    '../_base_/datasets/shapes_coco.py',
    '../_base_/schedules/adamw_spike_driven_ft.py',
    '../_base_/default_runtime.py'
]
_detector = {{_base_.model}}
model = dict(_delete_=True, type='QuantizedModel', model=_detector,
             levels=4, learn_top=True, shift=0.5, spike_driven=True)
custom_hooks = [
    dict(type='SafeLoadHook',
         checkpoint='data/checkpoints/faster-rcnn_r18_fpn_shapes_casc-l8-analog.pth',
         allow_missing=['.top']),
    dict(type='ClipCalibrationHook', calib_batches=10,
         include=['spikedet_input'])
]
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'.top': dict(decay_mult=0)}))
