"""ResNet-18 for small images (3x3 stem, no max-pool), at reduced width."""
from torch import Tensor, nn
from torchvision.models.resnet import BasicBlock

from ...registry import MODELS


@MODELS.register_module()
class ResNet18Cifar(nn.Module):
    """The CIFAR variant of ResNet-18 used throughout SNN conversion work.

    torchvision's ``BasicBlock`` (whose one ``self.relu`` is called twice per
    block), stages of 2 blocks with widths ``w, 2w, 4w, 8w`` and strides
    1, 2, 2, 2, global average pooling.

    Args:
        width: Channels of the first stage. Defaults to 16.
    """

    def __init__(self, width: int = 16) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        stages, in_ch = [], width
        for i, stride in enumerate((1, 2, 2, 2)):
            out_ch = width * 2**i
            stages.append(self._stage(in_ch, out_ch, stride))
            in_ch = out_ch
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.out_channels = in_ch

    @staticmethod
    def _stage(in_ch: int, out_ch: int, stride: int) -> nn.Sequential:
        down = None
        if stride != 1 or in_ch != out_ch:
            down = nn.Sequential(nn.Conv2d(in_ch, out_ch, 1, stride, bias=False),
                                 nn.BatchNorm2d(out_ch))
        return nn.Sequential(BasicBlock(in_ch, out_ch, stride, down),
                             BasicBlock(out_ch, out_ch))

    def forward(self, x: Tensor) -> Tensor:
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.pool(x).flatten(1)
