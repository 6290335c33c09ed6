# CASC quantization-aware YOLOv3, not spike-driven (the analog hand-overs
# between synaptic layers stay as in the ANN; kept for the comparison with
# the spike-driven yolov3_mbv2_shapes_casc-l8.py, which starts from it): every activation (ReLU6 and LeakyReLU) of
# yolov3_mbv2_shapes.py becomes an 8-level clip-floor, fine-tuned from the
# plain checkpoint. Our variant of CASC's fixed [0, 1] clip: each site's
# clip top is calibrated (99.9 % of its activations, ClipCalibrationHook)
# and then learnt, and the levels round (shift 0.5, as in QCFS) instead of
# flooring; the CIF neurons take the tops as thresholds.
# Convert with --method cif_wsc --cfg-options model.conversion.spike_driven=False.
#   python tools/train.py configs/yolov3/yolov3_mbv2_shapes_casc-l8-analog.py
_base_ = [
    '../_base_/models/yolov3_mbv2.py', '../_base_/datasets/shapes_coco.py',
    '../_base_/schedules/adamw_24e.py', '../_base_/default_runtime.py'
]
_detector = {{_base_.model}}
model = dict(_delete_=True, type='QuantizedModel', model=_detector, levels=8,
             learn_top=True, shift=0.5, spike_driven=False)
# The plain checkpoint has no clip tops: the calibration hook sets them.
custom_hooks = [
    dict(type='SafeLoadHook',
         checkpoint='data/checkpoints/yolov3_mbv2_shapes.pth',
         allow_missing=['.top']),
    dict(type='ClipCalibrationHook', calib_batches=10)
]
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'.top': dict(decay_mult=0)}))
