# rtmdet_tiny_shapes_casc-l4.py keeping the SiLUs' negative tails
# (signed_functions=True): every SiLU becomes a signed clip-floor of its
# output, with its own negative top. Same first round (10 epochs from the
# SiLU ANN, neck distillation weight 10). Measured 2026-12-07 (commit
# fbe5033's code): quantized val mAP@0.5 0.839 against the tail-dropped
# first round's 0.774, but E / E_ANN 1.60 at T = 4 against 0.505: the
# tails' negative tops calibrate to about 0.3, so with 4 levels and shift
# 0.5 a SiLU output of -0.04 is already a level, and most neurons with a
# negative input fire one to four negative spikes. Its SNN on the first 16
# val images at test batch size 1: 0.835 against the quantized ANN's 0.834.
#   python tools/train.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4-signed.py \
#       --export work_dirs/rtmdet_tiny_shapes_casc-l4-signed.pth
#   python tools/test.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4-signed.py \
#       work_dirs/rtmdet_tiny_shapes_casc-l4-signed.pth --snn cif_wsc_l4 \
#       --stats --calib-batches 5 --timesteps 4 --cfg-options \
#       test_dataloader.dataset.indices=16 test_dataloader.batch_size=1
_base_ = ['./rtmdet_tiny_shapes_casc-l4.py']
model = dict(signed_functions=True)
