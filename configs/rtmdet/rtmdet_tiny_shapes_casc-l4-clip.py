# CASC's own recipe on the RTMDet-tiny: rtmdet_tiny_shapes_casc-l4.py with
# QuantizedModel(keep_functions=False), so every SiLU (and the channel
# attention's hard sigmoid) is replaced by a 4-level clip-floor of its
# input, a ReLU-shaped function. Same first round (10 epochs from the SiLU
# ANN, neck distillation weight 10). Measured 2026-12-07 (commit d045a92):
# quantized val mAP@0.5 0.557 (mAP 0.373) against the SiLU ANN's 0.907;
# its SNN on the first 16 val images at T = 4 (cif_wsc_l4, 60 total
# steps) 0.582 against the quantized ANN's 0.580, E / E_ANN 0.49. With
# calibrated tops and no fine-tuning it scores 0.000 even at L = 64. Not
# shipped: keeping the functions' shape recovers far more per epoch.
#   python tools/train.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4-clip.py \
#       --export work_dirs/rtmdet_tiny_shapes_casc-l4-clip.pth
_base_ = ['./rtmdet_tiny_shapes_casc-l4.py']
model = dict(keep_functions=False)
