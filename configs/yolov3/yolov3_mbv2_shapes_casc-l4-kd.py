# CASC quantization-aware YOLOv3, spike-driven, L = 4, fine-tuned with
# feature distillation: yolov3_mbv2_shapes_casc-l4.py, started from its
# checkpoint, whose neck imitates the plain ANN's neck (DistillationHook:
# standardized feature maps, weight 10; the teacher is frozen and not
# exported). 16 epochs at lr 2e-4 took its mAP@0.5 on val from 0.764 to
# 0.788, a second round of 16 from that export to 0.797 (the plain ANN:
# 0.823; about 50 minutes a round on 2 cores):
#   python tools/train.py configs/yolov3/yolov3_mbv2_shapes_casc-l4-kd.py \
#       --export L4KD.pth
#   python tools/train.py configs/yolov3/yolov3_mbv2_shapes_casc-l4-kd.py \
#       --export L4KD2.pth --cfg-options custom_hooks.0.checkpoint=L4KD.pth
# Test and convert the export with yolov3_mbv2_shapes_casc-l4.py (the same
# model; this file only adds the teacher to the training).
_base_ = ['./yolov3_mbv2_shapes_casc-l4.py']
_plain = {{_base_.model.model}}
custom_hooks = [
    dict(type='SafeLoadHook',
         checkpoint='data/checkpoints/yolov3_mbv2_shapes_casc-l4.pth'),
    dict(type='DistillationHook', teacher=_plain,
         checkpoint='data/checkpoints/yolov3_mbv2_shapes.pth',
         feature='neck', weight=10.0)
]
optim_wrapper = dict(optimizer=dict(lr=2e-4))
