"""The committed models: configs and checkpoints, one record each.

The way mmdet keeps metafiles: the demo and ``tools/compare.py`` read the
models from here. Each model has a plain ANN (``configs/<folder>/<stem>.py``
with ``data/checkpoints/<stem>.pth``) and variants by suffix:
``_casc-l8`` / ``_casc-l4`` (quantization-aware, spike-driven, L = 8 / 4)
and ``_casc-l8-analog`` (quantization-aware without clip-floors at the
identity sites, for ``spike_driven=False``); a variant a model lacks (the
RTMDet has ``_casc-l4`` only) is reported as refused, for want of its
checkpoint.
"""
from dataclasses import dataclass
from typing import Dict, List, Tuple

from spikedet.conversion.methods import resolve


@dataclass(frozen=True)
class ZooModel:
    """A committed model.

    Attributes:
        key: Short name (``'yolov3'``).
        name: Display name.
        folder: Its folder under ``configs/``.
        stem: The file stem of its configs and checkpoints.
        detector: A detector (else an image classifier).
        demo: Shown by ``tools/demo.py`` (which also needs its VOC
            config, ``<stem>-voc.py``, and the demo's variants).
    """
    key: str
    name: str
    folder: str
    stem: str
    detector: bool
    demo: bool = True

    def files(self, suffix: str = '') -> Tuple[str, str]:
        """``(config, checkpoint)`` of the variant ``suffix``."""
        return (f'configs/{self.folder}/{self.stem}{suffix}.py',
                f'data/checkpoints/{self.stem}{suffix}.pth')


MODEL_ZOO: List[ZooModel] = [
    ZooModel('yolov3', 'YOLOv3 MobileNetV2', 'yolov3', 'yolov3_mbv2_shapes',
             True),
    ZooModel('faster_rcnn', 'Faster R-CNN R18-FPN', 'faster_rcnn',
             'faster-rcnn_r18_fpn_shapes', True),
    ZooModel('resnet18', 'ResNet-18 classifier', 'classification',
             'resnet18_shapes', False),
    ZooModel('rtmdet', 'RTMDet-tiny (SiLU)', 'rtmdet', 'rtmdet_tiny_shapes',
             True, demo=False),
]


def ann_variant(preset: Dict, spike_driven: bool = True) -> str:
    """The checkpoint suffix a preset converts: a method that needs a
    quantization-aware ANN takes the one whose L is its wake-sleep margin
    (``-analog`` when not spike-driven), every other one the plain ANN.

    Args:
        preset: ``dict(conversion=..., schedule=...)`` as
            :func:`spikedet.engine.spiking_config.load_method` returns.
        spike_driven: Whether the conversion is spike-driven.
    """
    conversion = dict(preset['conversion'])
    method = resolve(conversion.pop('method'), conversion).method
    if not method.needs_quantized_ann:
        return ''
    level = preset['schedule']['margin']  # the method's, if not the preset's
    return f'_casc-l{level}' + ('' if spike_driven else '-analog')
