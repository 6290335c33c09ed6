"""Spiking detectors and classifiers, and the registration of spiking
modules (mmdet / mmengine glue)."""
from . import neuron_registry  # noqa: F401
from .backbones import ResNet18Cifar, VGG11Cifar
from .classifiers import ImageClassifier, SpikingClassifier
from .detectors import SpikingDetector

__all__ = ['ResNet18Cifar', 'VGG11Cifar', 'ImageClassifier',
           'SpikingClassifier', 'SpikingDetector']
