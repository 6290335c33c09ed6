"""Build mmengine runners for spikedet's tools and move weights in and out."""
import os
import os.path as osp
from typing import Any, Dict, Optional

import mmdet
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from torch import nn

import spikedet
from ..utils.build_errors import config_errors
from ..utils.checkpoint import load_weights, save_weights
from ..errors import CheckpointError, UserInputError
from .data_paths import check_data_paths


def unwrap(model: nn.Module) -> nn.Module:
    """The bare model inside a DDP-style wrapper, or ``model`` itself."""
    return getattr(model, 'module', model)


def default_work_dir(config_path: os.PathLike) -> str:
    """``work_dirs/<config stem>``, as mmdet's tools choose it."""
    return osp.join('work_dirs', osp.splitext(osp.basename(config_path))[0])


def config_classes(cfg: Config) -> Optional[list]:
    """Class names of the config's test (else train) dataset, if it names them."""
    for key in ('test_dataloader', 'val_dataloader', 'train_dataloader'):
        dataset = (cfg.get(key) or {}).get('dataset') or {}
        classes = (dataset.get('metainfo') or {}).get('classes')
        if classes:
            return list(classes)
    return None


def check_classes(meta: Dict[str, Any], cfg: Config, ckpt: str) -> None:
    """Refuse a checkpoint trained on other classes than the config's data.

    Raises:
        CheckpointError: Both name their classes and the lists differ.
    """
    saved = meta.get('classes')
    wanted = config_classes(cfg)
    if saved and wanted and list(saved) != list(wanted):
        raise CheckpointError(
            f'checkpoint {ckpt} was trained on classes {list(saved)} but the '
            f'config\'s data set has {wanted}')


LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')
# What each launcher reads from the environment its starter sets, and the
# starter.
LAUNCHER_ENV = {
    'pytorch': (('RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'MASTER_ADDR',
                 'MASTER_PORT'),
                'torchrun, e.g. tools/dist_test.sh CONFIG CHECKPOINT 2'),
    'slurm': (('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST'),
              'srun, e.g. tools/slurm_test.sh'),
    'mpi': (('OMPI_COMM_WORLD_LOCAL_RANK', 'OMPI_COMM_WORLD_RANK',
             'OMPI_COMM_WORLD_SIZE'), 'mpirun'),
}


def check_launcher_env(launcher: str) -> None:
    """Refuse a launcher started without its process environment.

    Raises:
        UserInputError: A variable the launcher reads is not set (the tool
            was started as a plain process); the message names them and
            the starter to use.
    """
    names, starter = LAUNCHER_ENV[launcher]
    missing = [name for name in names if name not in os.environ]
    if missing:
        raise UserInputError(
            f'--launcher {launcher} needs the environment its starter sets '
            f'({", ".join(missing)} missing): start the tool with '
            f'{starter}, or use --launcher none for one process')


def set_launcher(cfg: Config, launcher: str) -> None:
    """Run ``cfg`` under mmengine's ``launcher`` (one process per device).

    The process-group backend follows the device: nccl with CUDA, gloo on
    CPU (CPU processes need the pytorch launcher, i.e. torchrun). A spiking evaluation's test sampler stops padding (``round_up=
    False``): no sample is simulated twice, so spike statistics summed over
    the processes are exact, and the per-T metrics gather shards of any
    size (:class:`spikedet.evaluation.metrics.gather.GatheredMetric`).

    Raises:
        UserInputError: Unknown launcher, one that needs GPUs on a CPU
            machine, or one started without its environment (see
            :func:`check_launcher_env`).
    """
    if launcher not in LAUNCHERS:
        raise UserInputError(f'unknown launcher {launcher!r}; choose from '
                             f'{list(LAUNCHERS)}')
    cfg.launcher = launcher
    if launcher == 'none':
        return
    cuda = torch.cuda.is_available()
    if not cuda and launcher != 'pytorch':
        raise UserInputError(f'launcher {launcher!r} needs GPUs; on CPU '
                             'use --launcher pytorch (tools/dist_test.sh)')
    check_launcher_env(launcher)
    env = cfg.setdefault('env_cfg', {})
    env.setdefault('dist_cfg', {})['backend'] = 'nccl' if cuda else 'gloo'
    if not cuda:
        # mmengine's initialisation selects a CUDA device first; on CPU the
        # process group is made here and the runner finds it.
        if not torch.distributed.is_initialized():
            torch.distributed.init_process_group('gloo')
        # The default wrapper pins a CUDA device.
        cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel',
                                     device_ids=None, broadcast_buffers=False)
    sampler = cfg.test_dataloader.get('sampler', {})
    if sampler.get('type') in ('DefaultSampler', 'mmengine.DefaultSampler'):
        sampler['round_up'] = False


def close_process_group() -> None:
    """Leave the process group of a distributed run, if there is one.

    Every rank reaches this once its work is done: a barrier, then the group
    is destroyed, so no rank exits while gloo's threads still talk to it
    (a rank exiting first made another abort in its teardown, now and then:
    "terminate called without an active exception").
    """
    if torch.distributed.is_available() and \
            torch.distributed.is_initialized():
        torch.distributed.barrier()
        torch.distributed.destroy_process_group()


def build_runner(cfg: Config) -> Runner:
    """``Runner.from_cfg`` with spikedet's defaults for CPU-only machines.

    Raises:
        ConfigError: The model config names an unknown type or an argument
            its class does not take.
    """
    cfg.setdefault('launcher', 'none')
    with config_errors(cfg.filename or 'the config'):
        return Runner.from_cfg(cfg)


def load_into_runner(runner: Runner, cfg: Config,
                     checkpoint: os.PathLike) -> Dict[str, Any]:
    """Load ``checkpoint`` into the runner's model with the safe loader.

    ``cfg.load_from`` stays unset, so mmengine's own (pickle-based) loading
    never touches the file.

    Returns:
        The checkpoint's meta.
    """
    model = unwrap(runner.model)
    meta = load_weights(model, checkpoint)
    check_classes(meta, cfg, os.fspath(checkpoint))
    if meta.get('classes'):
        model.dataset_meta = dict(classes=tuple(meta['classes']))
    return meta


def checkpoint_meta(model: nn.Module, cfg: Config) -> Dict[str, Any]:
    """Plain metadata stored next to exported weights."""
    classes = (getattr(model, 'dataset_meta', None) or {}).get('classes')
    return dict(
        classes=[str(c) for c in classes] if classes else
        config_classes(cfg),
        config=str(cfg.pretty_text),
        spikedet_version=spikedet.__version__,
        mmdet_version=mmdet.__version__,
        torch_version=str(torch.__version__))


def export_weights(model: nn.Module, cfg: Config,
                   path: os.PathLike) -> Dict[str, int]:
    """Write the model's weights as a plain, weights-only-loadable file.

    Returns:
        ``dict(tensors=..., bytes=...)``.
    """
    model = unwrap(model)
    tensors, size = save_weights(path, model.state_dict(),
                                 checkpoint_meta(model, cfg))
    return dict(tensors=tensors, bytes=size)


# Hooks that read training batches before the test.
CALIBRATION_HOOKS = ('ConversionHook', 'ClipCalibrationHook')


def evaluate_checkpoint(cfg: Config, checkpoint: os.PathLike) -> Dict:
    """Build a runner from ``cfg``, load ``checkpoint`` safely and test it.

    Args:
        cfg: A complete config (``work_dir`` set).
        checkpoint: Plain weights file.

    Returns:
        The metrics dict of ``Runner.test()``.

    Raises:
        DataPathError: The test data (or, for a conversion on the fly, the
            calibration data) is not where the config says.
    """
    hooks = [hook.get('type') for hook in cfg.get('custom_hooks') or []]
    calibrates = any(hook in CALIBRATION_HOOKS for hook in hooks)
    # A conversion on the fly wrapped the config's own evaluator.
    check_data_paths(cfg, ['test_dataloader'] + (
        ['train_dataloader'] if calibrates else []), ['test_evaluator'],
        wrapped='ConversionHook' in hooks)
    cfg.load_from = None
    runner = build_runner(cfg)
    load_into_runner(runner, cfg, checkpoint)
    return runner.test()
