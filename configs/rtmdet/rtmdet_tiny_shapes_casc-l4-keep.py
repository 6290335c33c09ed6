# CASC quantization-aware RTMDet-tiny, L = 4, keeping its functions:
# rtmdet_tiny_shapes_casc-l4.py with QuantizedModel(keep_functions=True),
# so every SiLU becomes a signed clip-floor of its output and the channel
# attention's hard sigmoid a clip-floor of its output (instead of a
# clip-floor of their input, a ReLU-shaped function). Same fine-tune: one
# round of 10 epochs from the SiLU ANN, neck distillation weight 10.
# Measured 2026-12-07 (commit fbe5033's code): quantized val mAP@0.5 0.839
# (the clip-floor recipe: 0.557; the SiLU ANN: 0.907). Its SNN on the first
# 16 val images at T = 4 (cif_wsc_l4, 60 total steps) 0.842 against the
# quantized ANN's 0.867, E / E_ANN 1.60 (at test batch size 1: 0.835 against
# 0.834): not the exact CASC conversion the clip-floor recipe gives, so the
# shipped checkpoint stays that one.
#   python tools/train.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4-keep.py \
#       --export work_dirs/rtmdet_tiny_shapes_casc-l4-keep.pth
#   python tools/test.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4-keep.py \
#       work_dirs/rtmdet_tiny_shapes_casc-l4-keep.pth --snn cif_wsc_l4 \
#       --stats --calib-batches 5 --timesteps 1 2 4 \
#       --cfg-options test_dataloader.dataset.indices=16
_base_ = ['./rtmdet_tiny_shapes_casc-l4.py']
model = dict(keep_functions=True)
