# The CASC quantization-aware Faster R-CNN
# (faster-rcnn_r18_fpn_shapes_casc-l8.py) on the VOC tree of the same
# images, VOCMetric: evaluate or convert its checkpoint with this config to
# get VOC mAP.
_base_ = ['./faster-rcnn_r18_fpn_shapes-voc.py']
_detector = {{_base_.model}}
model = dict(_delete_=True, type='QuantizedModel', model=_detector, levels=8,
             learn_top=True, shift=0.5)
