"""Calibration batches: preprocessed training images, test-time pipeline."""
import copy
from typing import Dict, List

import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import Runner
from mmengine.utils import ProgressBar
from torch import nn

from ..errors import UserInputError
from .data_paths import check_data_paths


def calibration_batches(cfg: Config, model: nn.Module,
                        count: int) -> List[Dict]:
    """The first ``count`` batches of the training split, preprocessed.

    The training split is read with the *test* pipeline (no augmentation)
    and shuffled with a fixed seed, the same in every process
    (:class:`CalibrationSampler`); the test split is never used.

    Args:
        cfg: The config (its ``train_dataloader`` and ``test_dataloader``).
        model: Supplies ``data_preprocessor``.
        count: Number of batches (>= 1).

    Returns:
        ``dict(inputs=..., data_samples=...)`` per batch.

    Raises:
        UserInputError: ``count < 1`` or an empty training split.
        DataPathError: The training data is not where the config says.
    """
    if count < 1:
        raise UserInputError('--calib-batches must be >= 1')
    check_data_paths(cfg, ['train_dataloader'], [])
    loader_cfg = copy.deepcopy(cfg.train_dataloader)
    loader_cfg.dataset.pipeline = copy.deepcopy(
        cfg.test_dataloader.dataset.pipeline)
    loader_cfg.persistent_workers = False
    loader_cfg.pop('batch_sampler', None)
    # The same batches in every process (DefaultSampler would split them).
    loader_cfg.sampler = dict(type='CalibrationSampler', shuffle=True)
    loader = Runner.build_dataloader(loader_cfg, seed=0)
    if len(loader) == 0:
        raise UserInputError('the calibration (train) split is empty')
    batches: List[Dict] = []
    progress = ProgressBar(min(count, len(loader)))
    for data in loader:
        with torch.no_grad():
            batches.append(model.data_preprocessor(data, False))
        progress.update()
        if len(batches) == count:
            break
    MMLogger.get_current_instance().info(
        f'calibrating on {len(batches)} training batches')
    return batches
