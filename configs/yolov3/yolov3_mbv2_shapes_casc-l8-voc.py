# The CASC quantization-aware YOLOv3 (yolov3_mbv2_shapes_casc-l8.py) on the
# VOC tree of the same images, VOCMetric: evaluate or convert its checkpoint
# with this config to get VOC mAP.
_base_ = ['./yolov3_mbv2_shapes-voc.py']
_detector = {{_base_.model}}
model = dict(_delete_=True, type='QuantizedModel', model=_detector, levels=8,
             learn_top=True, shift=0.5)
