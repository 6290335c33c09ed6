"""Calibrate a quantization-aware detector's clip tops before fine-tuning."""
from typing import Dict, List, Optional

import torch
from mmengine.hooks import Hook

from ...conversion import calibrate_clip_tops
from ...registry import HOOKS
from ..calibration import calibration_batches
from ..runner_utils import unwrap


def _tensor_forward(model, batch: Dict) -> object:
    return model(batch['inputs'], batch['data_samples'], mode='tensor')


@HOOKS.register_module()
class ClipCalibrationHook(Hook):
    """Set every clip-floor's top from training data in ``before_train``.

    Runs after :class:`SafeLoadHook` (lower priority), so it observes the
    loaded ANN's activations; see
    :func:`spikedet.conversion.calibrate_clip_tops`.

    Args:
        calib_batches: Training batches (test pipeline). Defaults to 10.
        percentile: Percentile of the positive activations. Defaults to
            99.9.
        include: Only the clip-floors whose path contains one of these
            strings (``['spikedet_input']``: the identity sites' signed
            clip-floors, when a quantized checkpoint is fine-tuned
            spike-driven). Defaults to None (all).
    """
    priority = 'HIGH'

    def __init__(self, calib_batches: int = 10,
                 percentile: float = 99.9,
                 include: Optional[List[str]] = None) -> None:
        self.calib_batches = calib_batches
        self.percentile = percentile
        self.include = include

    def before_train(self, runner) -> None:
        model = unwrap(runner.model)
        batches = calibration_batches(runner.cfg, model, self.calib_batches)
        tops = calibrate_clip_tops(model, batches, _tensor_forward,
                                   self.percentile, self.include)
        values = torch.cat([top.reshape(-1) for top in tops.values()])
        runner.logger.info(
            f'calibrated {len(tops)} clip-floors, {values.numel()} tops '
            f'({self.percentile} %): {float(values.min()):.3g} .. '
            f'{float(values.max()):.3g}')
