"""The RoI features a two-stage detector's box and mask stages are
calibrated on: what the ANN's own stages see on the calibration images."""
from typing import Dict, List, Optional

import torch
from mmdet.structures.bbox import bbox2roi
from torch import Tensor, nn

from .stages import RoIFeatures, random_roi_features, roi_features

MAX_CALIB_ROIS = 512  # RoIs per calibration batch kept for a RoI stage


@torch.no_grad()
def calibration_rois(detector: nn.Module, batches: List[Dict],
                     stage: Optional[int] = None,
                     task: str = 'bbox') -> List[RoIFeatures]:
    """RoI features the ANN's box stage (``task='bbox'``) sees on the
    calibration batches, at the proposals (a cascade's later stages
    calibrate on the proposals too, not on the boxes the stages before
    them refined [our simplification]); its mask stage's (``'mask'``), at
    the boxes the ANN detects (at the proposals of an image batch where it
    detects none). At most :data:`MAX_CALIB_ROIS` RoIs per batch, drawn
    with a fixed seed. Without data samples (structure only): 8 random
    RoI features.

    Args:
        detector: The two-stage mmdet detector (the ANN).
        batches: Preprocessed ``dict(inputs=..., data_samples=...)``.
        stage: A cascade's stage (None: the one).
        task: ``'bbox'`` or ``'mask'``.
    """
    if batches[0]['data_samples'] is None:
        return [random_roi_features(detector.roi_head, 8, stage, task)]
    feats_list = []
    generator = torch.Generator().manual_seed(0)
    for batch in batches:
        feats = detector.extract_feat(batch['inputs'])
        proposals = detector.rpn_head.predict(
            feats, batch['data_samples'], rescale=False)
        rois = bbox2roi([p.bboxes for p in proposals])
        if task == 'mask':
            rois = _detected(detector, feats, batch, proposals, rois)
        if len(rois) > MAX_CALIB_ROIS:
            keep = torch.randperm(len(rois), generator=generator)
            rois = rois[keep[:MAX_CALIB_ROIS]]
        if len(rois):
            feats_list.append(roi_features(detector.roi_head, feats, rois,
                                           stage, task))
    return feats_list


def _detected(detector: nn.Module, feats, batch: Dict, proposals: List,
              fallback: Tensor) -> Tensor:
    """The boxes the ANN detects at ``proposals`` (not rescaled, as its
    mask head sees them) as RoIs, or ``fallback`` where it detects none."""
    metas = [s.metainfo for s in batch['data_samples']]
    results = detector.roi_head.predict_bbox(
        feats, metas, proposals, detector.test_cfg.rcnn, rescale=False)
    rois = bbox2roi([r.bboxes for r in results])
    return rois if len(rois) else fallback
