# A further fine-tuning round of the CASC RTMDet-tiny on the detection loss
# alone, from a distilled round's export (rtmdet_tiny_shapes_casc-l4-ft.py):
# at weight 2 the neck distillation was still 80 % of the loss, pulling the
# 4-level network towards the SiLU ANN's features it cannot represent;
# without it the detection losses fall and the val mAP rises from the first
# epochs. 20 epochs at lr 5e-4, no teacher (a quarter faster per iteration).
#   python tools/train.py configs/rtmdet/rtmdet_tiny_shapes_casc-l4-ft-det.py \
#       --export R3.pth --cfg-options custom_hooks.0.checkpoint=R2.pth
_base_ = ['./rtmdet_tiny_shapes_casc-l4-ft.py']
custom_hooks = [
    dict(type='SafeLoadHook',
         checkpoint='work_dirs/rtmdet_tiny_shapes_casc-l4-ft.pth'),
]
