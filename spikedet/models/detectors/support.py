"""Which mmdet detectors a SpikingDetector can simulate, decided before
conversion: the parts it would otherwise skip or misread are refused with
the module path and the remedy."""
from torch import nn

from ...conversion.errors import UnsupportedLayerError
from ...simulation.schedules import PlainSchedule
from ...errors import ConfigError

#: RoI heads whose masks the spiking detector predicts as they do.
MASK_ROI_HEADS = ('StandardRoIHead', 'CascadeRoIHead')


def check_detector(detector: nn.Module) -> None:
    """Refuse a detector whose structure the spiking wrapper cannot run.

    A single-stage detector (``bbox_head``) and a two-stage one with one
    box stage (``rpn_head`` + a ``StandardRoIHead``-like ``roi_head``) or
    a cascade of them (``CascadeRoIHead``), with Mask R-CNN's mask stage
    or without, are simulated; layers inside them are checked later, at
    conversion.

    Raises:
        UnsupportedLayerError: A DETR that selects its queries (DINO), a
            cascade with more than box stages (HTC, SCNet, Sparse R-CNN),
            a mask head of the detector (YOLACT, SOLO) or a RoI head that
            predicts masks otherwise than Mask R-CNN (PointRend, Mask
            Scoring R-CNN): their masks would be silently dropped.
    """
    kind = type(detector).__name__
    if getattr(detector, 'as_two_stage', False):  # DINO, two-stage DETRs
        raise UnsupportedLayerError(
            f'<root> ({kind}) selects its decoder queries from the '
            "encoder's output by top-k, a discrete choice no average "
            'makes: convert a DETR with learned queries (DETR, Deformable '
            'DETR with as_two_stage=False)')
    mask_head = getattr(detector, 'mask_head', None)
    if mask_head is not None:  # YOLACT, SOLO, CondInst, ...
        raise UnsupportedLayerError(
            f'mask_head ({type(mask_head).__name__}) has no spiking '
            'simulation: an instance segmentation model would be scored '
            'without its masks; convert a box detector')
    roi_head = getattr(detector, 'roi_head', None)
    if roi_head is None:
        return
    if hasattr(roi_head, 'num_stages') and \
            type(roi_head).__name__ != 'CascadeRoIHead':
        raise UnsupportedLayerError(
            f'roi_head ({type(roi_head).__name__}) runs '
            f'{roi_head.num_stages} stages with more than boxes in them '
            '(queries, masks or semantic features); the spiking detector '
            'simulates Faster R-CNN-like and Cascade R-CNN box stages: '
            'convert the Cascade or Faster R-CNN config of the same '
            'backbone')
    kind = type(roi_head).__name__
    if getattr(roi_head, 'with_mask', False) and kind not in MASK_ROI_HEADS:
        raise UnsupportedLayerError(
            f'roi_head ({kind}) predicts masks its own way (refined, '
            'rescored or from more features) and the spiking detector '
            "runs Mask R-CNN's mask stage: convert the boxes only, with "
            '--cfg-options model.roi_head.mask_roi_extractor=None '
            'model.roi_head.mask_head=None, and evaluate bbox')


def check_transformer_setup(schedule: object, chunk: int) -> None:
    """Refuse a simulation a DETR cannot run.

    Raises:
        ConfigError: A wake-sleep schedule (the transformer's positional
            encodings and queries enter at every step, sleep steps too,
            which must be silent) or stacked steps (``chunk`` > 1: its
            padding masks have the batch's size, not K times it).
    """
    if not isinstance(schedule, PlainSchedule):
        raise ConfigError(
            "a DETR's positional encodings and queries enter at every "
            'step, sleep steps too, where a wake-sleep schedule needs '
            'silence: convert it with a method of plain schedule')
    if chunk != 1:
        raise ConfigError("a DETR's padding masks cover one step's batch: "
                          f'simulate it with chunk=1, not {chunk}')


def patch_missing_loss_cls(detector: nn.Module) -> None:
    """mmdet 3.3's ``SSDHead`` defines no ``loss_cls`` (it computes its own
    loss) but its inherited ``predict_by_feat`` reads
    ``self.loss_cls.custom_cls_channels``, so SSD and SSDLite cannot
    predict at all; give such a head ``loss_cls = None`` (read as "no
    custom channels"), which changes nothing else."""
    head = getattr(detector, 'bbox_head', None)
    if head is not None and not hasattr(head, 'loss_cls'):
        head.loss_cls = None
