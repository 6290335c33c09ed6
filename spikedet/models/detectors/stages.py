"""The parts of an mmdet detector that run at every timestep.

Each stage is a plain ``nn.Module`` over the detector's own submodules, so
:func:`spikedet.conversion.convert` sees exactly what is simulated and
nothing of the data samples, anchors or NMS around it.
"""
from typing import Tuple

import torch
from torch import Tensor, nn
from torch.nn.modules.utils import _pair


def random_roi_features(roi_head: nn.Module, count: int) -> Tensor:
    """Random RoI features of the shape the box head expects (for tracing)."""
    size = _pair(roi_head.bbox_head.roi_feat_size)
    return torch.randn(count, roi_head.bbox_roi_extractor.out_channels, *size)


class DenseStage(nn.Module):
    """Backbone, neck and dense head; returns the head's raw output maps.

    Args:
        detector: A single-stage mmdet detector (``backbone``, optional
            ``neck``, ``bbox_head``).
    """

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        self.backbone = detector.backbone
        self.neck = detector.neck if getattr(detector, 'with_neck',
                                             False) else None
        self.bbox_head = detector.bbox_head

    def forward(self, x: Tensor):
        feats = self.backbone(x)
        if self.neck is not None:
            feats = self.neck(feats)
        return self.bbox_head(feats)


class ProposalStage(nn.Module):
    """Stage 1 of a two-stage detector: backbone, neck and RPN head.

    Returns ``(features, rpn_outputs)``: the neck's maps (pooled by RoIAlign
    for stage 2) and the RPN head's raw ``(cls_scores, bbox_preds)``.

    Args:
        detector: A two-stage mmdet detector.
    """

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        self.backbone = detector.backbone
        self.neck = detector.neck if detector.with_neck else None
        self.rpn_head = detector.rpn_head

    def forward(self, x: Tensor) -> Tuple:
        feats = self.backbone(x)
        if self.neck is not None:
            feats = self.neck(feats)
        return tuple(feats), self.rpn_head(tuple(feats))


class BoxStage(nn.Module):
    """Stage 2: the RoI head's (shared head and) box head on RoI features.

    Returns the raw ``(cls_score, bbox_pred)``.

    Args:
        roi_head: A ``StandardRoIHead``-like module.
    """

    def __init__(self, roi_head: nn.Module) -> None:
        super().__init__()
        self.shared_head = roi_head.shared_head if getattr(
            roi_head, 'with_shared_head', False) else None
        self.bbox_head = roi_head.bbox_head

    def forward(self, roi_feats: Tensor) -> Tuple[Tensor, Tensor]:
        if self.shared_head is not None:
            roi_feats = self.shared_head(roi_feats)
        return self.bbox_head(roi_feats)


class LockstepStage(nn.Module):
    """Stage 1's backbone and neck with stage 2 driven by them, step by step.

    Once the proposals of a read-out are known (:attr:`rois`), the whole
    spiking detector is simulated again from reset: at every step the
    neck's output of *that step* (the currents its output convs send) is
    pooled by RoIAlign at the fixed proposals and drives the box head,
    whose first layer's identity neurons turn it into spikes. RoIAlign is
    linear, so the box head integrates exactly the pooled neck read-out of
    the first pass, with no analog value held between the passes and
    memory flat in T. Returns the box head's raw ``(cls_score, bbox_pred)``.

    The modules are those of the converted stages (shared, not copied);
    named ``backbone``, ``neck`` and ``roi_head`` so that statistics add up
    with the first pass's layers.

    Args:
        proposal_stage: The converted :class:`ProposalStage`.
        extractor: The detector's RoI feature extractor (RoIAlign).
        box_stage: The converted :class:`BoxStage`.
    """

    def __init__(self, proposal_stage: nn.Module, extractor: nn.Module,
                 box_stage: nn.Module) -> None:
        super().__init__()
        self.backbone = proposal_stage.backbone
        self.neck = proposal_stage.neck
        self.extractor = extractor
        self.roi_head = box_stage
        self.rois: Tensor = torch.zeros(0, 5)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        feats = self.backbone(x)
        if self.neck is not None:
            feats = self.neck(feats)
        feats = tuple(feats)[:self.extractor.num_inputs]
        return self.roi_head(self.extractor(feats, self.rois))
