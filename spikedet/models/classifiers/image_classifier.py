"""A plain mmengine image classifier: backbone + linear head."""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import Tensor, nn

from ...conversion.quantize import quantize_activations
from ...registry import MODELS


class ClassifierNet(nn.Module):
    """``head(backbone(x))``: the network the converter sees."""

    def __init__(self, backbone: nn.Module, num_classes: int) -> None:
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(backbone.out_channels, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.backbone(x))


def labels_of(data_samples: Sequence, device) -> Tensor:
    """Ground-truth labels of a batch as a tensor."""
    return torch.tensor([int(s.gt_label) for s in data_samples],
                        device=device)


@MODELS.register_module()
class ImageClassifier(BaseModel):
    """Classifier trained with cross-entropy; predicts per-image scores.

    Args:
        backbone: Config of a backbone with an ``out_channels`` attribute
            that returns ``[N, out_channels]`` features.
        num_classes: Number of classes.
        data_preprocessor: mmengine ``ImgDataPreprocessor`` config.
        act_quant: ``dict(levels=L)`` replaces every activation by CASC's
            clip-floor with L levels (quantization-aware ANN). Sites are
            found by one forward pass on a zero image of ``input_size``.
        input_size: ``(H, W)`` of the inputs. Defaults to (32, 32).
        label_smoothing: Cross-entropy label smoothing. Defaults to 0.
    """

    def __init__(self,
                 backbone: Dict,
                 num_classes: int,
                 data_preprocessor: Optional[Dict] = None,
                 act_quant: Optional[Dict] = None,
                 input_size: Sequence[int] = (32, 32),
                 label_smoothing: float = 0.0,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.net = ClassifierNet(MODELS.build(backbone), num_classes)
        self.input_size = tuple(input_size)
        self.label_smoothing = label_smoothing
        if act_quant:
            example = torch.zeros(2, 3, *self.input_size)
            quantize_activations(self.net, lambda: self.net(example),
                                 **act_quant)

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'tensor') -> Union[Dict, List, Tensor]:
        logits = self.net(inputs)
        if mode == 'tensor':
            return logits
        if mode == 'loss':
            return dict(loss=F.cross_entropy(
                logits, labels_of(data_samples, logits.device),
                label_smoothing=self.label_smoothing))
        if mode == 'predict':
            return [dict(gt_label=int(s.gt_label), pred_scores={'ann': row})
                    for s, row in zip(data_samples, logits.detach())]
        raise ValueError(f'unknown mode {mode!r}')
