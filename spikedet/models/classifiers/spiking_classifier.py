"""SpikingClassifier: a converted classifier simulated over timesteps."""
from typing import Dict, Iterable, List, Optional, Sequence

import torch
from mmengine.model import BaseModel
from torch import Tensor

from ...conversion import convert
from ...registry import MODELS
from ...simulation import DEFAULT_TIMESTEPS, monitored_readouts
from ..spiking_model import SpikingModel


@MODELS.register_module()
class SpikingClassifier(SpikingModel, BaseModel):
    """Wraps an :class:`ImageClassifier` converted with ``conversion``.

    Building it converts nothing (see :class:`SpikingModel`): calibrate it,
    or load converted weights (``tools/convert.py`` writes them). ``predict``
    resets the neurons, runs one simulation and attaches the scores of every
    T in ``timesteps``, plus the ANN's scores on the same batch (the ANN is
    kept as ``self.ann``, so every accuracy curve carries its reference).
    The preprocessor is the ANN's. With ``stats`` set to a
    :class:`TimestepStatistics`, simulations are monitored per T.

    Args:
        ann: Config of the ANN classifier.
        conversion: ``dict(method=..., **options)`` for :func:`convert`.
        timesteps: Read-out wake steps. Defaults to 1, 2, 4, ..., 256.
        schedule: Simulation schedule; defaults to the method's own.
        chunk: Wake steps per forward call, stacked along the batch
            dimension (see :func:`spikedet.simulation.iterate_readouts`):
            faster where batched convolutions are. Defaults to 1.
        backend, heap_trim: See :class:`SpikingModel` (defaults: pure
            torch, the heap untouched).
    """

    def __init__(self,
                 ann: Dict,
                 conversion: Dict,
                 timesteps: Sequence[int] = DEFAULT_TIMESTEPS,
                 schedule: Optional[Dict] = None,
                 chunk: int = 1,
                 backend: str = 'torch',
                 heap_trim: Optional[float] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        ann_model = MODELS.build(ann)
        super().__init__(init_cfg=init_cfg)
        self.data_preprocessor = ann_model.data_preprocessor
        self._set_up(ann_model, conversion, timesteps, schedule, chunk,
                     backend, heap_trim)

    def structure_batches(self) -> List[Tensor]:
        device = next(self.ann.parameters()).device
        return [torch.randn(2, 3, *self.ann.input_size, device=device)]

    def calibrate(self, batches: Iterable) -> None:
        """(Re)convert ``self.ann`` with calibration ``batches`` of
        preprocessed inputs (tensors, or dicts with ``inputs``); replaces
        ``self.net``."""
        inputs = [b['inputs'] if isinstance(b, dict) else b for b in batches]
        self.net = convert(self.ann.net, inputs, self.method,
                           **self.conversion_options)

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'predict') -> List[Dict]:
        if mode != 'predict':
            raise ValueError('a SpikingClassifier only predicts; train the '
                             'ANN and convert it')
        scores, steps = {'ann': self.ann.net(inputs)}, {}
        with self.simulating():
            for t, readout, counts in monitored_readouts(
                    self.stats, self.net, inputs, self.timesteps,
                    self.schedule, self.chunk):
                if counts is not None:
                    self.stats.add(t, counts)
                scores[t] = readout.output
                steps[t] = (readout.wake_steps, readout.total_steps)
        if self.stats is not None:
            self.stats.add_images(len(inputs))
        return [dict(gt_label=int(s.gt_label),
                     pred_scores={t: scores[t][i] for t in scores},
                     steps=steps)
                for i, s in enumerate(data_samples)]
