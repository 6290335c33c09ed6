"""Spiking detectors and classifiers, and the registration of spiking
modules (mmdet / mmengine glue)."""
from . import neuron_registry  # noqa: F401
from .backbones import ResNet18Cifar, VGG11Cifar
from .classifiers import ImageClassifier, SpikingClassifier
from .detectors import SpikingDetector
from .quantized_model import QuantizedModel, quantize_detector

__all__ = ['ResNet18Cifar', 'VGG11Cifar', 'ImageClassifier',
           'SpikingClassifier', 'SpikingDetector', 'QuantizedModel',
           'quantize_detector']
