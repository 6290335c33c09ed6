# CASC quantization-aware Faster R-CNN, spike-driven, L = 4: faster-rcnn_r18_fpn_shapes_casc-l8.py
# with 4 clip-floor levels, for 99 % of the ANN at T <= 4 wake steps.
# Fine-tuned from the spike-driven L = 8 checkpoint: every top, the identity
# sites' signed ones included, is already learnt there, so nothing is
# calibrated; only the rounding grid is halved.
# Convert with --method cif_wsc_l4 (a sleep phase after every 4 wake steps).
#   python tools/train.py configs/faster_rcnn/faster-rcnn_r18_fpn_shapes_casc-l4.py \
#       --export data/checkpoints/faster-rcnn_r18_fpn_shapes_casc-l4.pth
_base_ = ['./faster-rcnn_r18_fpn_shapes_casc-l8.py']
model = dict(levels=4)
custom_hooks = [
    dict(type='SafeLoadHook',
         checkpoint='data/checkpoints/faster-rcnn_r18_fpn_shapes_casc-l8.pth')
]
