"""VGG-11 for small images, at reduced width, with its max-pools."""
from torch import Tensor, nn

from ...registry import MODELS

# VGG configuration "A" (VGG-11) in units of the base width; 'M' = max-pool.
_VGG11 = (1, 'M', 2, 'M', 4, 4, 'M', 8, 8, 'M', 8, 8, 'M')


@MODELS.register_module()
class VGG11Cifar(nn.Module):
    """VGG-11 (configuration A): eight 3x3 conv-BN-ReLU layers and five 2x2
    max-pools, then a ReLU hidden FC layer (the CIFAR form of VGG's
    classifier). The max-pools stay max-pools: the converter maps them to
    spiking max-pooling.

    Args:
        width: Channels of the first conv layer. Defaults to 16.
    """

    def __init__(self, width: int = 16) -> None:
        super().__init__()
        layers, in_ch = [], 3
        for item in _VGG11:
            if item == 'M':
                layers.append(nn.MaxPool2d(2, 2))
                continue
            out_ch = width * item
            layers += [nn.Conv2d(in_ch, out_ch, 3, padding=1, bias=False),
                       nn.BatchNorm2d(out_ch), nn.ReLU(inplace=True)]
            in_ch = out_ch
        self.features = nn.Sequential(*layers)
        self.hidden = nn.Sequential(nn.Flatten(), nn.Linear(in_ch, in_ch),
                                    nn.ReLU(inplace=True), nn.Dropout(0.2))
        self.out_channels = in_ch

    def forward(self, x: Tensor) -> Tensor:
        return self.hidden(self.features(x))
