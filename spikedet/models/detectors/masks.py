"""The mask stage of a two-stage detector (Mask R-CNN, Cascade Mask R-CNN):
at every read-out, the spiking mask head on the boxes that read-out's box
stage found."""
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from mmdet.models.utils import empty_instances
from mmdet.structures.bbox import bbox2roi
from torch import Tensor, nn

from ...simulation import merge, monitored_readouts
from .stages import last_part, roi_features


def stage_names(stage: Optional[int],
                head: str = 'bbox_head') -> Callable[[str], str]:
    """Renames a box or mask stage's layers as the detector names them
    (``roi_head.<head>...``; a cascade's ``roi_head.<head>.<k>...``)."""
    prefix = head + '.'

    def name(layer: str) -> str:
        if stage is not None and layer.startswith(prefix):
            layer = f'{head}.{stage}.' + layer[len(prefix):]
        return 'roi_head.' + layer
    return name


class MaskPrediction:
    """What :class:`SpikingDetector` runs for a RoI head with masks (a
    mixin; it reads the detector's ``ann``, ``mask_net`` (a ``ModuleList``
    for a cascade), ``box_stages``, ``stats``, ``timesteps``, ``schedule``
    and ``chunk``).

    The mask head of read-out T is simulated for T wake steps on the neck's
    read-out at T, pooled by the mask RoI extractor at the boxes the box
    stage decoded at T (before rescaling, as ``BaseRoIHead.predict``
    does), and decoded by the head's own ``predict_by_feat``. A cascade's
    mask heads all read the final boxes, so they run side by side (their
    steps count once) and their sigmoids are averaged, as
    ``CascadeRoIHead.predict_mask`` does.
    """

    @property
    def with_mask(self) -> bool:
        return bool(getattr(getattr(self.ann, 'roi_head', None),
                            'with_mask', False))

    def _mask_readout(self, feats: Sequence[Tensor], results: List,
                      t: int, metas: List[Dict], rescale: bool) -> Tuple:
        """Masks for read-out ``t``'s ``results`` (decoded without
        rescaling; rescaled here where ``rescale``). Returns the results,
        the mask stage's total steps and its counts (or None)."""
        roi_head = self.ann.roi_head
        rcnn_cfg = self.ann.test_cfg.rcnn
        rois = bbox2roi([r.bboxes for r in results])
        if rois.shape[0] == 0:
            return empty_instances(
                metas, rois.device, task_type='mask',
                instance_results=results,
                mask_thr_binary=rcnn_cfg.mask_thr_binary), 0, None
        nets = self.mask_net if isinstance(self.mask_net, nn.ModuleList) \
            else [self.mask_net]
        logits, steps, counts = [], 0, []
        for k, net in zip(self.box_stages, nets):
            mask_feats = roi_features(roi_head, feats, rois, k, task='mask')
            (_, readout, snap), = monitored_readouts(
                self.stats, net, mask_feats, [t], self.schedule, self.chunk,
                horizon=self.timesteps[-1])
            logits.append(readout.output)
            steps = max(steps, readout.total_steps)
            if snap is not None:
                counts.append(snap.renamed(stage_names(k, 'mask_head')))
        if len(logits) == 1:
            mask_preds, activated = logits[0], False
        else:
            mask_preds = sum(m.sigmoid() for m in logits) / len(logits)
            activated = True
        head = last_part(roi_head.mask_head)
        per_image = tuple(len(r) for r in results)
        results = head.predict_by_feat(
            mask_preds=mask_preds.split(per_image, 0), results_list=results,
            batch_img_metas=metas, rcnn_test_cfg=rcnn_cfg, rescale=rescale,
            activate_map=activated)
        return results, steps, merge(counts) if counts else None
