# CASC quantization-aware YOLOv3, spike-driven, L = 4: yolov3_mbv2_shapes_casc-l8.py
# with 4 clip-floor levels, for 99 % of the ANN at T <= 4 wake steps.
# Fine-tuned from the spike-driven L = 8 checkpoint: every top, the identity
# sites' signed ones included, is already learnt there, so nothing is
# calibrated; only the rounding grid is halved.
# Convert with --method cif_wsc_l4 (a sleep phase after every 4 wake steps).
#   python tools/train.py configs/yolov3/yolov3_mbv2_shapes_casc-l4.py \
#       --export data/checkpoints/yolov3_mbv2_shapes_casc-l4.pth
_base_ = ['./yolov3_mbv2_shapes_casc-l8.py']
model = dict(levels=4)
custom_hooks = [
    dict(type='SafeLoadHook',
         checkpoint='data/checkpoints/yolov3_mbv2_shapes_casc-l8.pth')
]
