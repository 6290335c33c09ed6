"""SpikingDetector: any mmdet single- or two-stage detector, or a DETR,
converted (boxes, and a Mask R-CNN's masks)."""
import copy
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import torch
from mmdet.models.detectors import BaseDetector, DetectionTransformer
from torch import Tensor, nn
from torch.utils._pytree import tree_map

from ...conversion import convert
from ...conversion.failures import reported_as_unsupported
from ...registry import MODELS
from ...simulation import DEFAULT_TIMESTEPS, monitored_readouts, simulate
from ...errors import ConfigError
from ..spiking_model import SpikingModel
from .calibration_rois import calibration_rois
from .masks import MaskPrediction
from .stages import (BoxStage, DenseStage, LockstepStage, MaskStage,
                     ProposalStage, TransformerStage)
from .support import (check_detector, check_transformer_setup,
                      patch_missing_loss_cls)
from .two_stage import TwoStagePrediction

#: What drives a two-stage detector's box head (see SpikingDetector).
BOX_INPUTS = ('readout', 'lockstep')


@MODELS.register_module()
class SpikingDetector(SpikingModel, TwoStagePrediction, MaskPrediction,
                      BaseDetector):
    """Wraps a converted mmdet detector; keeps its preprocessor and decoding.

    Building it converts nothing (see :class:`SpikingModel`): calibrate it,
    or load converted weights.

    *Single-stage* (YOLOv3 and any detector with ``bbox_head``): backbone,
    neck and head run at every step; the head's raw maps are integrated and,
    at every requested T, decoded by the head's own ``predict_by_feat``
    (anchors, score thresholds, NMS unchanged).

    *Two-stage* (Faster R-CNN and any detector with ``rpn_head`` and
    ``roi_head``): stage 1 (backbone, neck, RPN) is simulated once up to the
    largest T, and at each T the proposals come from the RPN read-out.
    Spike-driven conversions put signed neurons at the box head's input, so
    its synaptic layers receive spikes. What drives those neurons is
    ``box_input``:

    - ``'readout'`` (default): the neck's read-out at T (each output
      neuron's accumulated current over T, a counter per neuron that the
      RPN's read-out needs anyway) is pooled by RoIAlign at the proposals
      and fed as a constant current to the box head, simulated for T wake
      steps right after the read-out. Stage 1 runs once; memory is one
      box head's state, flat in T and in the number of read-outs. The box
      head's input neurons re-encode the pooled counts as spikes, as the
      stem's neurons encode the image.
    - ``'lockstep'``: the box head integrates the neck's own per-step
      output: once all read-outs' proposals are known, the network runs
      once more from reset, stage 1 in lockstep with one box head per
      read-out, the neck's output of each step pooled at each read-out's
      proposals (:class:`LockstepStage`). Stage 1 is paid twice (steps,
      SOPs and the input layer's MACs).

    *DETR family* (an mmdet ``DetectionTransformer`` with its learned
    queries, not selected from the encoder): one stage
    (:class:`TransformerStage`), read out and decoded as a single-stage
    detector's head; attention and LayerNorm are analog islands.

    A Cascade R-CNN's box stages run in turn, each on the boxes the one
    before refined; a Mask R-CNN's mask head runs after the box stage, on
    its boxes (:class:`MaskPrediction`; ``box_input='readout'`` only).

    A read-out's ``total_steps`` counts every stage (the proposal pass,
    then each box stage's pass, then the mask stage's); with statistics
    on, every stage's work up to that read-out is counted.

    The ANN is kept (``self.ann``) and predicted on the same batch: its
    results go to ``pred_instances``, the SNN's to ``timestep_preds[T]``.
    With ``stats`` set to a :class:`TimestepStatistics`, every simulation
    is monitored and its counts added per T (both stages for two-stage
    detectors).

    Args:
        ann: Config of the mmdet detector.
        conversion: ``dict(method=..., **options)`` for :func:`convert`.
        timesteps: Read-out wake steps. Defaults to 1, 2, 4, ..., 256.
        schedule: Simulation schedule; defaults to the method's own.
        input_size: ``(H, W)`` of the random input that builds the
            structure converted weights load into. Defaults to (64, 64).
        box_input: Two-stage only: ``'readout'`` or ``'lockstep'`` (see
            above).
        backend: The neuron steps' code: ``'torch'`` (default),
            ``'native'`` or ``'compile'`` (see :class:`SpikingModel`).
        heap_trim: On the CPU, give the C heap's free pages back to the
            OS whenever the resident memory has grown by this fraction
            during a simulation (glibc only; see
            :func:`spikedet.utils.host_heap.heap_trimming`): the peak memory
            then stays level in T. The first CPU step also makes the heap
            keep freed blocks for the next step, for the rest of the
            process (:func:`~spikedet.utils.host_heap.steady_heap`). None
            (the default) touches neither; the tools set 0.05.
        chunk: Wake steps per forward call, stacked along the batch
            dimension (see :func:`spikedet.simulation.iterate_readouts`):
            faster where batched convolutions are, memory K times a
            step's. The lockstep pass runs one step per call. Defaults
            to 1.
        channels_last: On the CPU, run stage 1 (the dense network) in
            channels-last memory (NHWC): oneDNN's convolutions skip their
            per-call reorders (14-23 % faster ANN forwards at 320 px,
            docs/benchmarks.md) and the fused neuron steps read the
            channel innermost. The convolutions then sum in another
            order, so outputs agree with the default layout to float
            rounding, not bit for bit. Defaults to True.

    Raises:
        ConfigError: ``box_input`` is neither, an unknown ``backend``, or
            ``heap_trim`` < 0.
        SimulationError: ``timesteps`` or ``chunk`` is not positive.
    """

    def __init__(self,
                 ann: Dict,
                 conversion: Dict,
                 timesteps: Sequence[int] = DEFAULT_TIMESTEPS,
                 schedule: Optional[Dict] = None,
                 input_size: Sequence[int] = (64, 64),
                 box_input: str = 'readout',
                 backend: str = 'torch',
                 heap_trim: Optional[float] = None,
                 chunk: int = 1,
                 channels_last: bool = True,
                 init_cfg: Optional[Dict] = None) -> None:
        if box_input not in BOX_INPUTS:
            raise ConfigError(f'box_input must be one of {BOX_INPUTS}, got '
                              f'{box_input!r}')
        detector = MODELS.build(ann)
        check_detector(detector)
        roi_head = getattr(detector, 'roi_head', None)
        if box_input == 'lockstep' and (
                hasattr(roi_head, 'num_stages') or
                getattr(roi_head, 'with_mask', False)):
            raise ConfigError("box_input='lockstep' drives one box stage; "
                              "a cascade's stages and a mask stage read "
                              "out in turn: use box_input='readout'")
        patch_missing_loss_cls(detector)
        super().__init__(init_cfg=init_cfg)
        self.data_preprocessor = detector.data_preprocessor
        self._set_up(detector, conversion, timesteps, schedule, chunk,
                     backend, heap_trim)
        self.transformer = isinstance(detector, DetectionTransformer)
        if self.transformer:
            check_transformer_setup(self.schedule, self.chunk)
        self.two_stage = hasattr(detector, 'rpn_head') and \
            hasattr(detector, 'roi_head')
        self.box_input = box_input
        self.input_size = tuple(input_size)
        self.channels_last = bool(channels_last)

    @property
    def dataset_meta(self):
        return getattr(self.ann, 'dataset_meta', None)

    @dataset_meta.setter
    def dataset_meta(self, value) -> None:
        self.ann.dataset_meta = value

    # -- conversion ----------------------------------------------------------
    def structure_batches(self) -> List[Dict]:
        device = next(self.ann.parameters()).device
        example = torch.randn(1, 3, *self.input_size, device=device)
        return [dict(inputs=example, data_samples=None)]

    def _convert(self, module, batches):
        return convert(module, batches, self.method, **self.conversion_options)

    def calibrate(self, batches: Iterable[Dict]) -> None:
        """(Re)convert from ``self.ann`` with preprocessed batches
        (``dict(inputs=..., data_samples=...)``); replaces the spiking
        stages. Without data samples, stage 2 calibrates on random RoI
        features (structure only)."""
        batches = list(batches)
        inputs = [b['inputs'] for b in batches]
        self.ann.eval()
        if self.transformer:  # calibrated on unpadded images
            self.net = self._convert(TransformerStage(self.ann), inputs)
            return
        if not self.two_stage:
            self.net = self._convert(DenseStage(self.ann), inputs)
            return
        self.net = self._convert(ProposalStage(self.ann), inputs)
        stages = [convert(BoxStage(self.ann.roi_head, k),
                          calibration_rois(self.ann, batches, k), self.method,
                          analog_inputs=True, **self.conversion_options)
                  for k in self.box_stages]
        self.box_net = stages[0] if self.box_stages == [None] else \
            nn.ModuleList(stages)
        if self.with_mask:
            masks = [convert(MaskStage(self.ann.roi_head, k),
                             calibration_rois(self.ann, batches, k, 'mask'),
                             self.method, analog_inputs=True,
                             **self.conversion_options)
                     for k in self.box_stages]
            self.mask_net = masks[0] if self.box_stages == [None] else \
                nn.ModuleList(masks)
        if self.box_input != 'lockstep':
            return
        # Shares the converted modules; kept out of the state dict.
        self.__dict__['lockstep'] = LockstepStage(
            self.net, self.ann.roi_head, self.box_net,
            len(self.timesteps))

    @property
    def box_stages(self) -> List[Optional[int]]:
        """The box stages of a two-stage detector: ``[None]`` for one, the
        indices of a Cascade R-CNN's."""
        stages = getattr(self.ann.roi_head, 'num_stages', None)
        return [None] if stages is None else list(range(stages))

    # -- inference -------------------------------------------------------------
    def predict(self, batch_inputs: Tensor, batch_data_samples,
                rescale: bool = True):
        """ANN results in ``pred_instances``; SNN results per T in
        ``timestep_preds`` and ``(wake, total)`` steps in ``timestep_steps``."""
        metas = [s.metainfo for s in batch_data_samples]
        ann_samples = self.ann.predict(batch_inputs,
                                       copy.deepcopy(batch_data_samples),
                                       rescale=rescale)
        with self.simulating(), \
                reported_as_unsupported(self, 'simulating'):
            inputs = self._laid_out(batch_inputs)
            if self.transformer:
                runs = self._predict_transformer(inputs, batch_data_samples,
                                                 rescale)
            elif self.two_stage:
                runs = self._predict_two_stage(inputs, metas, rescale)
            else:
                runs = self._predict_one_stage(inputs, metas, rescale)
        if self.stats is not None:
            self.stats.add_images(len(batch_data_samples))
        for i, sample in enumerate(batch_data_samples):
            sample.pred_instances = ann_samples[i].pred_instances
            sample.timestep_preds = {t: res[i] for t, (res, _) in runs.items()}
            sample.timestep_steps = {t: steps for t, (_, steps) in runs.items()}
        return batch_data_samples

    def _laid_out(self, inputs: Tensor) -> Tensor:
        """``inputs`` in channels-last memory, stage 1's weights too (a
        no-op once they are), where ``channels_last`` applies."""
        if not self.channels_last or inputs.device.type != 'cpu' \
                or inputs.dim() != 4 or any(
                    getattr(m, 'requires_contiguous', False)
                    for m in self.net.modules()):
            return inputs
        self.net.to(memory_format=torch.channels_last)
        return inputs.contiguous(memory_format=torch.channels_last)

    def _predict_transformer(self, inputs: Tensor, samples: List,
                             rescale: bool) -> Dict[int, Tuple]:
        """A DETR's one stage, masking the batch's padding as the ANN."""
        self.net.samples = samples
        try:
            return self._predict_one_stage(
                inputs, [s.metainfo for s in samples], rescale)
        finally:
            self.net.samples = None

    def _predict_one_stage(self, inputs: Tensor, metas: List[Dict],
                           rescale: bool) -> Dict[int, Tuple]:
        runs = {}
        head = self.ann.bbox_head
        for t, readout, counts in monitored_readouts(
                self.stats, self.net, inputs, self.timesteps, self.schedule,
                self.chunk):
            if counts is not None:
                self.stats.add(t, counts)
            # Contiguous: heads decode with .view (CenterNet), which the
            # channels-last layout of stage 1 would break.
            output = tree_map(lambda t: t.contiguous(), readout.output)
            results = head.predict_by_feat(*output, batch_img_metas=metas,
                                           rescale=rescale)
            runs[t] = (results, (readout.wake_steps, readout.total_steps))
        return runs

    # -- BaseDetector interface -------------------------------------------------
    def loss(self, batch_inputs, batch_data_samples):
        raise ValueError('a SpikingDetector only predicts; train the ANN '
                         'and convert it')

    def _forward(self, batch_inputs, batch_data_samples=None):
        """Raw outputs of the SNN at the largest T (``mode='tensor'``)."""
        t = self.timesteps[-1]
        with self.simulating():
            return simulate(self.net, batch_inputs, [t], self.schedule,
                            chunk=self.chunk)[t].output

    def extract_feat(self, batch_inputs):
        return self.ann.extract_feat(batch_inputs)
