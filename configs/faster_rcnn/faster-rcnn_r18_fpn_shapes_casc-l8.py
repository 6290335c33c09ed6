# CASC quantization-aware Faster R-CNN: every activation of
# faster-rcnn_r18_fpn_shapes.py becomes an 8-level clip-floor, fine-tuned from
# the plain checkpoint. Convert with --method cif_wsc.
#   python tools/train.py configs/faster_rcnn/faster-rcnn_r18_fpn_shapes_casc-l8.py
_base_ = [
    '../_base_/models/faster-rcnn_r18_fpn.py',
    '../_base_/datasets/shapes_coco.py', '../_base_/schedules/adamw_24e.py',
    '../_base_/default_runtime.py'
]
_detector = {{_base_.model}}
model = dict(_delete_=True, type='QuantizedModel', model=_detector, levels=8)
load_from = 'data/checkpoints/faster-rcnn_r18_fpn_shapes.pth'
