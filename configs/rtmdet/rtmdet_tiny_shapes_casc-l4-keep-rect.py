# CASC quantization-aware RTMDet-tiny, L = 4, keeping its functions without
# their negative parts: rtmdet_tiny_shapes_casc-l4-keep.py with
# signed_functions=False, so every SiLU becomes a clip-floor of its output
# (its tail below 0 dropped): each neuron fires at most L spikes of one
# sign, as after a rectifier. Same fine-tune: one round of 10 epochs from
# the SiLU ANN, neck distillation weight 10.
#   python tools/train.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4-keep-rect.py \
#       --export work_dirs/rtmdet_tiny_shapes_casc-l4-keep-rect.pth
_base_ = ['./rtmdet_tiny_shapes_casc-l4-keep.py']
model = dict(signed_functions=False)
