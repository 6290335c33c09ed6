"""Small-image classification backbones."""
from .resnet_cifar import ResNet18Cifar
from .vgg_cifar import VGG11Cifar

__all__ = ['ResNet18Cifar', 'VGG11Cifar']
