# CASC quantization-aware YOLOv3: every activation (ReLU6 and LeakyReLU) of
# yolov3_mbv2_shapes.py becomes an 8-level clip-floor, fine-tuned from the
# plain checkpoint. Convert with --method cif_wsc.
#   python tools/train.py configs/yolov3/yolov3_mbv2_shapes_casc-l8.py
_base_ = [
    '../_base_/models/yolov3_mbv2.py', '../_base_/datasets/shapes_coco.py',
    '../_base_/schedules/adamw_24e.py', '../_base_/default_runtime.py'
]
_detector = {{_base_.model}}
model = dict(_delete_=True, type='QuantizedModel', model=_detector, levels=8)
load_from = 'data/checkpoints/yolov3_mbv2_shapes.pth'
