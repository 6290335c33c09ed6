"""The parts of an mmdet detector that run at every timestep.

Each stage is a plain ``nn.Module`` over the detector's own submodules, so
:func:`spikedet.conversion.convert` sees exactly what is simulated and
nothing of the data samples, anchors or NMS around it.
"""
import copy
import inspect
from typing import List, Optional, Sequence, Set, Tuple, Union

import torch
from torch import Tensor, nn
from torch.nn.modules.utils import _pair

from ...simulation import Snapshot


RoIFeatures = Union[Tensor, Tuple[Tensor, Tensor]]


def _stage_part(part: nn.Module, stage: Optional[int]) -> nn.Module:
    """A cascade's ``stage``-th extractor or box head (``part`` itself for
    one box stage, ``stage`` None)."""
    return part if stage is None else part[stage]


def last_part(part: nn.Module) -> nn.Module:
    """The head that decodes: a cascade's last (``part`` itself for one)."""
    return part[-1] if isinstance(part, nn.ModuleList) else part


def shared_head(roi_head: nn.Module) -> Optional[nn.Module]:
    """A C4 RoI head's shared res5 block, which its box and mask stages
    run first (None without one)."""
    return roi_head.shared_head if getattr(roi_head, 'with_shared_head',
                                           False) else None


def random_roi_features(roi_head: nn.Module, count: int,
                        stage: Optional[int] = None,
                        task: str = 'bbox') -> RoIFeatures:
    """Random RoI features of the shape the RoI extractor gives (for
    tracing): its RoIAlign's output size, which a C4 detector's shared
    head halves before the box head's ``roi_feat_size``; a pair for a
    Double-Head RoI head (see :func:`roi_features`); ``stage``: a
    cascade's box stage; ``task``: ``'bbox'`` or ``'mask'`` (the mask
    branch's extractor)."""
    extractor = _stage_part(getattr(roi_head, f'{task}_roi_extractor'), stage)
    layers = getattr(extractor, 'roi_layers', None)
    size = _pair(layers[0].output_size if layers else
                 _stage_part(roi_head.bbox_head, stage).roi_feat_size)
    shape = (count, extractor.out_channels, *size)
    if task != 'bbox' or \
            getattr(roi_head, 'reg_roi_scale_factor', None) is None:
        return torch.randn(shape)
    return torch.randn(shape), torch.randn(shape)


def roi_features(roi_head: nn.Module, feats: Sequence[Tensor],
                 rois: Tensor, stage: Optional[int] = None,
                 task: str = 'bbox') -> RoIFeatures:
    """What the box (``task='bbox'``) or mask stage reads at ``rois``:
    RoIAlign of the neck's maps (:func:`planar`) by that branch's
    extractor; for a Double-Head RoI head's box stage, also the pooling of
    its regression branch, over RoIs enlarged by ``reg_roi_scale_factor``;
    ``stage``: a cascade's stage (its own extractor)."""
    extractor = _stage_part(getattr(roi_head, f'{task}_roi_extractor'), stage)
    feats = planar(feats, extractor.num_inputs)
    pooled = extractor(feats, rois)
    scale = getattr(roi_head, 'reg_roi_scale_factor', None)
    if task != 'bbox' or scale is None:
        return pooled
    return pooled, extractor(feats, rois, roi_scale_factor=scale)


def planar(feats: Sequence[Tensor], count: int) -> Tuple[Tensor, ...]:
    """The first ``count`` feature maps, contiguous (NCHW): mmcv's CPU
    RoIAlign reads its input as NCHW whatever its strides, so channels-last
    maps (``SpikingDetector(channels_last=True)``) must be laid out again
    (a no-op for contiguous ones)."""
    return tuple(f.contiguous() for f in tuple(feats)[:count])


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


class TransformerStage(nn.Module):
    """A DETR-family detector as one stage: backbone, neck, the
    transformer's encoder and decoder (its learned queries and positional
    encodings enter as constant analog inputs) and the head's layers;
    returns the head's raw output (per decoder layer).

    The transformer masks the padding of a batch from the images' shapes:
    set :attr:`samples` to the batch's data samples before running it
    (without them, each image fills the whole input).

    Args:
        detector: An mmdet ``DetectionTransformer``.
    """

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        self.detector = detector
        self.samples: Optional[List] = None
        params = inspect.signature(detector.bbox_head.forward).parameters
        self.head_inputs = tuple(params)

    def forward(self, x: Tensor):
        samples = self.samples or _whole_images(x)
        feats = self.detector.extract_feat(x)
        head_inputs = self.detector.forward_transformer(feats, samples)
        return self.detector.bbox_head(
            **{k: v for k, v in head_inputs.items() if k in self.head_inputs})


def _whole_images(x: Tensor) -> List:
    """Data samples of a batch of unpadded images of ``x``'s size."""
    from mmdet.structures import DetDataSample
    shape = tuple(x.shape[-2:])
    return [DetDataSample(metainfo=dict(img_shape=shape,
                                        batch_input_shape=shape))
            for _ in range(x.shape[0])]


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
    """Stage 2: the RoI head's (shared head and) box head on RoI features
    (a pair for a Double-Head box head, see :func:`roi_features`).

    Returns the raw ``(cls_score, bbox_pred)``.

    Args:
        roi_head: A ``StandardRoIHead``-like module.
        stage: Which box head of a ``CascadeRoIHead`` (None: the one).
    """

    def __init__(self, roi_head: nn.Module,
                 stage: Optional[int] = None) -> None:
        super().__init__()
        self.shared_head = shared_head(roi_head)
        self.bbox_head = _stage_part(roi_head.bbox_head, stage)

    def forward(self, roi_feats: RoIFeatures) -> Tuple[Tensor, Tensor]:
        if isinstance(roi_feats, tuple):  # Double-Head: cls, reg branch
            return self.bbox_head(*roi_feats)
        if self.shared_head is not None:
            roi_feats = self.shared_head(roi_feats)
        return self.bbox_head(roi_feats)


class MaskStage(nn.Module):
    """The mask branch of a Mask R-CNN-like RoI head: (shared head and)
    mask head on mask RoI features; returns the raw mask logits.

    Args:
        roi_head: A ``StandardRoIHead`` or ``CascadeRoIHead`` with masks.
        stage: Which mask head of a cascade (None: the one).
    """

    def __init__(self, roi_head: nn.Module,
                 stage: Optional[int] = None) -> None:
        super().__init__()
        self.shared_head = shared_head(roi_head)
        self.mask_head = _stage_part(roi_head.mask_head, stage)

    def forward(self, roi_feats: Tensor) -> Tensor:
        if self.shared_head is not None:
            roi_feats = self.shared_head(roi_feats)
        return self.mask_head(roi_feats)


def shared_copy(module: nn.Module) -> nn.Module:
    """A copy of ``module`` with its own neuron states but the same
    parameters and buffers (weights and thresholds are not duplicated)."""
    memo = {id(t): t for t in (*module.parameters(), *module.buffers())}
    return copy.deepcopy(module, memo)


class LockstepStage(nn.Module):
    """Stage 1's backbone and neck driving stage 2, step by step, for every
    read-out at once.

    Once the proposals of every read-out are known (:meth:`start`), the
    whole spiking detector is simulated once more from reset, up to the
    largest read-out: at every step the neck's output of *that step* (the
    currents its output convs send) is pooled by RoIAlign at each
    read-out's proposals and drives that read-out's own box head (a
    :func:`shared_copy`: own states, shared weights), whose first layer's
    identity neurons turn it into spikes. RoIAlign is linear, so the box
    head of read-out T integrates exactly the pooled neck read-out of the
    first pass at T, with no analog value held between the passes and
    memory flat in T. Stage 1 runs the largest T once for all read-outs
    (the same steps a pass per read-out would run, shared); a box head
    stops once its read-out was taken (:meth:`finish`) and then outputs
    zeros at no cost.

    Returns one ``(cls_score, bbox_pred)`` per read-out started. The box
    heads are named ``heads.<k>``; :meth:`counts_of` renames read-out k's
    to ``roi_head.`` so that statistics add up with the first pass's.

    Args:
        proposal_stage: The converted :class:`ProposalStage`.
        roi_head: The detector's RoI head (its RoI feature extraction,
            :func:`roi_features`; kept out of this module's children).
        box_stage: The converted :class:`BoxStage` (the first head).
        readouts: The most read-outs one pass serves.
    """

    def __init__(self, proposal_stage: nn.Module, roi_head: nn.Module,
                 box_stage: nn.Module, readouts: int) -> None:
        super().__init__()
        self.backbone = proposal_stage.backbone
        self.neck = proposal_stage.neck
        self.__dict__['roi_head'] = roi_head
        self.heads = nn.ModuleList(
            [box_stage] + [shared_copy(box_stage)
                           for _ in range(readouts - 1)])
        self.rois: List[Tensor] = []
        self.finished: Set[int] = set()

    def start(self, rois: Sequence[Tensor]) -> None:
        """The proposals (``[n, 5]`` RoIs) of each read-out to drive."""
        if not 0 < len(rois) <= len(self.heads):
            raise ValueError(f'{len(rois)} read-outs for '
                             f'{len(self.heads)} box heads')
        self.rois = list(rois)
        self.finished = set()

    def finish(self, index: int) -> None:
        """Read-out ``index`` was taken: its box head stops computing."""
        self.finished.add(index)

    def forward(self, x: Tensor) -> Tuple[Tuple[Tensor, Tensor], ...]:
        feats = self.backbone(x)
        if self.neck is not None:
            feats = self.neck(feats)
        done = x.new_zeros(())
        return tuple(
            (done, done) if k in self.finished else
            self.heads[k](roi_features(self.roi_head, feats, rois))
            for k, rois in enumerate(self.rois))

    def counts_of(self, index: int, snapshot: Snapshot) -> Snapshot:
        """Read-out ``index``'s share of a snapshot of this pass: stage 1
        and its own box head (as ``roi_head.``), not the other heads."""
        own = f'heads.{index}.'

        def name(layer: str) -> Optional[str]:
            if layer.startswith(own):
                return 'roi_head.' + layer[len(own):]
            return None if layer.startswith('heads.') else layer
        return snapshot.renamed(name)
