"""How ``tools/test.py`` turns its options into a config: conversion on the
fly, read-outs, COCO result files, spike statistics."""
from typing import Optional, Sequence

from mmengine.config import Config

from ..errors import UserInputError
from ..evaluation.metrics import score_processed_images_only
from ..simulation import DEFAULT_TIMESTEPS, check_chunk, check_timesteps
from .spiking_config import spiking_config


def configure_spiking_test(cfg: Config, method: Optional[str],
                           timesteps: Optional[Sequence[int]],
                           calib_batches: int, chunk: int = 1,
                           strict: bool = False, backend: str = 'torch',
                           heap_trim: Optional[float] = None) -> None:
    """With ``method``, convert the config's ANN after its checkpoint loads
    (a :class:`ConversionHook` calibrating on ``calib_batches`` training
    batches) and score every read-out; without it, set the read-outs of a
    spiking config (from ``tools/convert.py``). ``chunk`` > 1 runs that
    many wake steps per forward call (``model.chunk``); ``strict``
    converts with ``spike_driven='strict'`` (no analog island);
    ``backend`` and ``heap_trim`` become the spiking wrapper's (see
    :class:`spikedet.models.spiking_model.SpikingModel`). A plain ANN's
    metric is wrapped to score the tested images only
    (:class:`~spikedet.evaluation.metrics.ProcessedImagesMetric`), so a
    test on a subset gives that subset's mAP.

    Raises:
        UserInputError: ``calib_batches`` or ``chunk`` < 1, or read-outs,
            a chunk or ``strict`` asked of a config that is not spiking
            (``strict`` also of one converted already).
    """
    check_chunk(chunk)
    if method:
        if calib_batches < 1:
            raise UserInputError('--calib-batches must be >= 1')
        snn_cfg = spiking_config(cfg, method, check_timesteps(timesteps)
                                 if timesteps else DEFAULT_TIMESTEPS, strict)
        if chunk > 1:
            snn_cfg.model['chunk'] = chunk
        snn_cfg.model.update(backend=backend, heap_trim=heap_trim)
        cfg.test_evaluator = snn_cfg.test_evaluator
        cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
            dict(type='ConversionHook', snn_model=snn_cfg.model,
                 calib_batches=calib_batches)]
    elif strict:
        raise UserInputError('--strict applies to a conversion (--snn '
                             'METHOD); this config was converted already')
    elif timesteps:
        if 'timesteps' not in cfg.model:
            raise UserInputError('--timesteps needs a spiking config '
                                 '(made by tools/convert.py) or --snn')
        cfg.model.timesteps = list(check_timesteps(timesteps))
    if chunk > 1 and not method:
        if 'timesteps' not in cfg.model:
            raise UserInputError('--chunk needs a spiking config (made by '
                                 'tools/convert.py) or --snn')
        cfg.model.chunk = chunk
    if not method and 'timesteps' in cfg.model:
        cfg.model.update(backend=backend, heap_trim=heap_trim)
    if not method and 'timesteps' not in cfg.model:
        # A plain ANN: its metric scores the tested images only (a spiking
        # run's TimestepMetric does the same).
        cfg.test_evaluator = score_processed_images_only(cfg.test_evaluator)


def set_dump_dir(cfg: Config, folder: str) -> None:
    """Point every per-T detection metric at ``folder`` (each T's
    detections as a COCO results file).

    Raises:
        UserInputError: The config has no per-T detection metric.
    """
    evaluators = cfg.test_evaluator if isinstance(
        cfg.test_evaluator, (list, tuple)) else [cfg.test_evaluator]
    found = [e for e in evaluators if e.get('type') == 'TimestepMetric']
    if not found:
        raise UserInputError('--dump needs a spiking detector config (or '
                             '--snn)')
    for evaluator in found:
        evaluator['dump_dir'] = folder


def add_stats_hook(cfg: Config, out_file: str) -> None:
    """Count spikes, SOPs and energy per T into ``out_file``."""
    cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
        dict(type='SpikeStatsHook', out_file=out_file)]


def add_progress_hook(cfg: Config) -> None:
    """A progress bar over the test batches (:class:`TestProgressHook`)."""
    cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
        dict(type='TestProgressHook')]
