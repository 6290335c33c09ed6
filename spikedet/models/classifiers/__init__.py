"""Image classifiers: the ANN and its spiking counterpart."""
from .image_classifier import ClassifierNet, ImageClassifier
from .spiking_classifier import SpikingClassifier

__all__ = ['ClassifierNet', 'ImageClassifier', 'SpikingClassifier']
