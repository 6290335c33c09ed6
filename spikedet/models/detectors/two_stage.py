"""Two-stage prediction of a :class:`SpikingDetector`: stage 1's read-outs,
then the spiking box head on their proposals (``box_input`` 'readout' or
'lockstep')."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmdet.models.utils import empty_instances
from mmdet.structures.bbox import bbox2roi, get_box_tensor
from torch import Tensor, nn

from ...simulation import merge, monitored_readouts
from .masks import stage_names
from .stages import last_part, roi_features


class TwoStagePrediction:
    """What :class:`SpikingDetector` runs for a two-stage detector (a mixin,
    as mmdet's test mixins: it reads the detector's ``ann``, ``net``,
    ``box_net`` (a ``ModuleList`` for a cascade), ``box_stages``,
    ``lockstep``, ``stats``, ``timesteps``, ``schedule``, ``chunk`` and
    ``box_input``; with masks, :class:`MaskPrediction`'s
    ``_mask_readout`` follows each read-out's boxes)."""

    def _predict_two_stage(self, inputs: Tensor, metas: List[Dict],
                           rescale: bool) -> Dict[int, Tuple]:
        if self.box_input == 'lockstep':
            return self._predict_lockstep(inputs, metas, rescale)
        runs = {}
        for t, readout, stage1 in monitored_readouts(
                self.stats, self.net, inputs, self.timesteps, self.schedule,
                self.chunk):
            feats, rpn_outs = readout.output
            proposals = self._proposals(rpn_outs, metas)
            rois = bbox2roi([p.bboxes for p in proposals])
            # With masks, boxes are rescaled by the mask head's decoding.
            box_rescale = rescale and not self.with_mask
            if rois.shape[0] == 0:
                results, box_steps, stage2 = self._no_boxes(metas, rois), \
                    0, None
            else:
                results, box_steps, stage2 = self._box_readout(
                    feats, rois, proposals, t, metas, box_rescale)
            stage3, mask_steps = None, 0
            if self.with_mask:
                results, mask_steps, stage3 = self._mask_readout(
                    feats, results, t, metas, rescale)
            if stage1 is not None:
                self.stats.add(t, merge([stage1, stage2, stage3]))
            runs[t] = (results, (t, readout.total_steps + box_steps +
                                 mask_steps))
        return runs

    def _proposals(self, rpn_outs, metas: List[Dict]) -> List:
        return self.ann.rpn_head.predict_by_feat(
            *rpn_outs, batch_img_metas=metas, cfg=self.ann.test_cfg.rpn,
            rescale=False)

    def _no_boxes(self, metas: List[Dict], rois: Tensor) -> List:
        """Empty results for images without a proposal."""
        bbox_head = last_part(self.ann.roi_head.bbox_head)
        return empty_instances(
            metas, rois.device, task_type='bbox',
            box_type=bbox_head.predict_box_type,
            num_classes=bbox_head.num_classes,
            score_per_cls=self.ann.test_cfg.rcnn is None)

    def _decode_boxes(self, rois: Tensor, proposals: List, output: Tuple,
                      metas: List[Dict], rescale: bool) -> List:
        """The box head's read-out decoded as StandardRoIHead.predict_bbox
        does."""
        cls_score, bbox_pred = output
        per_image = tuple(len(p) for p in proposals)
        return last_part(self.ann.roi_head.bbox_head).predict_by_feat(
            rois=rois.split(per_image, 0),
            cls_scores=cls_score.split(per_image, 0),
            bbox_preds=bbox_pred.split(per_image, 0),
            batch_img_metas=metas, rcnn_test_cfg=self.ann.test_cfg.rcnn,
            rescale=rescale)

    def _box_readout(self, feats: Sequence[Tensor], rois: Tensor,
                     proposals: List, t: int, metas: List[Dict],
                     rescale: bool) -> Tuple:
        """Stage 2 of read-out ``t`` (``box_input='readout'``): the box head
        simulated for ``t`` wake steps on the pooled neck read-out, as part
        of a run to stage 1's largest T (its horizon); a Cascade R-CNN's
        box stages in turn, each on the boxes the one before refined, its
        scores averaged over the stages as ``CascadeRoIHead.predict_bbox``
        does. Returns the results, the box stages' total steps and their
        counts (or None)."""
        nets = self.box_net if isinstance(self.box_net, nn.ModuleList) \
            else [self.box_net]
        per_image = tuple(len(p) for p in proposals)
        scores, steps, counts = [], 0, []
        for k, net in zip(self.box_stages, nets):
            roi_feats = roi_features(self.ann.roi_head, feats, rois, k)
            (_, readout, snap), = monitored_readouts(
                self.stats, net, roi_feats, [t], self.schedule, self.chunk,
                horizon=self.timesteps[-1])
            cls_score, bbox_pred = readout.output
            scores.append(cls_score)
            steps += readout.total_steps
            if snap is not None:
                counts.append(snap.renamed(stage_names(k)))
            if k is not None and k + 1 < len(nets):
                rois = self._refined(rois, cls_score, bbox_pred, k, metas,
                                     per_image)
        output = (sum(scores) / len(scores), bbox_pred)
        results = self._decode_boxes(rois, proposals, output, metas, rescale)
        return results, steps, merge(counts) if counts else None

    def _refined(self, rois: Tensor, cls_score: Tensor, bbox_pred: Tensor,
                 stage: int, metas: List[Dict],
                 per_image: Tuple[int, ...]) -> Tensor:
        """The RoIs a cascade's box stage ``stage`` refined, as
        ``CascadeRoIHead.predict_bbox`` refines them (each box regressed by
        its most likely class)."""
        head = self.ann.roi_head.bbox_head[stage]
        scores = cls_score.split(per_image, 0)
        if head.custom_activation:
            scores = [head.loss_cls.get_activation(s) for s in scores]
        refined = []
        for img_rois, score, pred, meta in zip(
                rois.split(per_image, 0), scores,
                bbox_pred.split(per_image, 0), metas):
            if img_rois.shape[0] == 0:
                refined.append(img_rois)
                continue
            boxes = head.regress_by_class(img_rois[:, 1:],
                                          score[:, :-1].argmax(dim=1),
                                          pred, meta)
            refined.append(torch.cat([img_rois[:, :1],
                                      get_box_tensor(boxes)], dim=1))
        return torch.cat(refined)

    def _predict_lockstep(self, inputs: Tensor, metas: List[Dict],
                          rescale: bool) -> Dict[int, Tuple]:
        first_pass = {}
        for t, readout, stage1 in monitored_readouts(
                self.stats, self.net, inputs, self.timesteps, self.schedule,
                self.chunk):
            _, rpn_outs = readout.output
            first_pass[t] = (self._proposals(rpn_outs, metas), stage1,
                             readout.total_steps)
        boxes = self._predict_boxes(
            inputs, {t: p for t, (p, _, _) in first_pass.items()}, metas,
            rescale)
        runs = {}
        for t, (_, stage1, steps) in first_pass.items():
            results, box_steps, stage2 = boxes[t]
            if stage1 is not None:
                self.stats.add(t, merge([stage1, stage2]))
            runs[t] = (results, (t, steps + box_steps))
        return runs

    def _predict_boxes(self, inputs: Tensor, proposals: Dict[int, List],
                       metas: List[Dict], rescale: bool) -> Dict[int, Tuple]:
        """Stage 2 of every read-out (``box_input='lockstep'``): one
        lockstep pass (:class:`LockstepStage`) up to the largest T whose
        proposals are not empty. Returns per T the results, the pass's
        total steps and the read-out's counts (or None); the counts' ANN
        MACs are the box head's only (stage 1's are in the first pass's)."""
        rois = {t: bbox2roi([p.bboxes for p in props])
                for t, props in proposals.items()}
        live = [t for t, r in rois.items() if r.shape[0] > 0]
        out = {t: (self._no_boxes(metas, r), 0, None)
               for t, r in rois.items() if r.shape[0] == 0}
        if not live:
            return out
        lockstep = self.lockstep
        lockstep.start([rois[t] for t in live])
        for t, readout, counts in monitored_readouts(
                self.stats, lockstep, inputs, live, self.schedule):
            k = live.index(t)
            lockstep.finish(k)
            if counts is not None:
                counts = lockstep.counts_of(k, counts)
                counts.ann_macs = self.stats.monitor_of(lockstep).macs_under(
                    f'heads.{k}.')
            results = self._decode_boxes(rois[t], proposals[t],
                                         readout.output[k], metas, rescale)
            out[t] = (results, readout.total_steps, counts)
        return out
