# CASC quantization-aware YOLOv3, spike-driven, L = 4: yolov3_mbv2_shapes_casc-l8.py
# with 4 clip-floor levels, for 99 % of the ANN at T <= 4 wake steps.
# Fine-tuned from the same non-spike-driven L = 8 checkpoint (its learnt tops
# start the L = 4 ones; the identity sites' tops are calibrated first).
# Convert with --method cif_wsc_l4 (a sleep phase after every 4 wake steps).
#   python tools/train.py configs/yolov3/yolov3_mbv2_shapes_casc-l4.py \
#       --export data/checkpoints/yolov3_mbv2_shapes_casc-l4.pth
_base_ = ['./yolov3_mbv2_shapes_casc-l8.py']
model = dict(levels=4)
