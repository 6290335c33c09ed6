"""Refuse a config whose data set is not where it says, before any work.

mmengine builds datasets and metrics lazily, so a wrong ``data_root`` used
to surface deep in a run as a FileNotFoundError traceback from pycocotools.
Here every data root and annotation file the run will read is checked up
front, and a missing one is named with the config key that sets it.
"""
import os.path as osp
from typing import Any, Iterator, Sequence, Tuple

from mmengine.config import Config

from ..errors import DataPathError


def _datasets(dataset: Any, key: str) -> Iterator[Tuple[str, dict]]:
    """``(config key, dataset dict)`` of every leaf of a dataset config
    (wrappers: ``datasets=[...]`` or ``dataset=dict(...)``)."""
    if not isinstance(dataset, dict):
        return
    if isinstance(dataset.get('datasets'), (list, tuple)):
        for i, inner in enumerate(dataset['datasets']):
            yield from _datasets(inner, f'{key}.datasets.{i}')
    elif isinstance(dataset.get('dataset'), dict):
        yield from _datasets(dataset['dataset'], f'{key}.dataset')
    else:
        yield key, dataset


def _ann_files(value: Any, key: str,
               wrapped: bool) -> Iterator[Tuple[str, str]]:
    """``(config key, path)`` of every ``ann_file`` in an evaluator config
    (a list of metrics, or a metric wrapped in another; with ``wrapped``,
    a TimestepMetric's ``metric`` is named as the wrapper itself)."""
    if isinstance(value, (list, tuple)):
        for i, inner in enumerate(value):
            yield from _ann_files(inner, f'{key}.{i}', wrapped)
    elif isinstance(value, dict):
        for name, inner in value.items():
            if name == 'ann_file' and isinstance(inner, str) and inner:
                yield f'{key}.ann_file', inner
            elif wrapped and name == 'metric' and \
                    value.get('type') == 'TimestepMetric':
                yield from _ann_files(inner, key, wrapped)
            else:
                yield from _ann_files(inner, f'{key}.{name}', wrapped)


def _remote(path: str) -> bool:
    return '://' in path


def _check_dataset(key: str, dataset: dict) -> None:
    root = dataset.get('data_root') or ''
    if root and not _remote(root) and not osp.isdir(root):
        raise DataPathError(
            f'data root {root} does not exist: set {key}.data_root to the '
            f'data set\'s folder (--cfg-options {key}.data_root=DIR/)')
    ann_file = dataset.get('ann_file') or ''
    if not isinstance(ann_file, str) or not ann_file or _remote(ann_file):
        return
    path = ann_file if osp.isabs(ann_file) or not root else \
        osp.join(root, ann_file)
    if not osp.isfile(path):
        raise DataPathError(
            f'annotation file {path} does not exist: set {key}.ann_file '
            f'(relative to {key}.data_root)')


def check_data_paths(cfg: Config,
                     loaders: Sequence[str] = ('test_dataloader', ),
                     evaluators: Sequence[str] = ('test_evaluator', ),
                     wrapped: bool = False) -> None:
    """Check that the data ``cfg``'s run will read exists.

    Args:
        cfg: The config.
        loaders: Dataloader keys whose datasets the run reads (their
            ``data_root`` folders and ``ann_file`` files, the latter
            relative to the former). Absent keys are skipped.
        evaluators: Evaluator keys whose ``ann_file`` entries the run
            reads (e.g. CocoMetric's ground truth).
        wrapped: The evaluators were wrapped in a TimestepMetric after the
            config was read (``tools/test.py --snn``): name their keys as
            the config file (and ``--cfg-options``) spells them.

    Raises:
        DataPathError: A data root or annotation file is missing; the
            message names the path and the config key to set.
    """
    for loader in loaders:
        dataset = (cfg.get(loader) or {}).get('dataset')
        for key, leaf in _datasets(dataset, f'{loader}.dataset'):
            _check_dataset(key, leaf)
    for evaluator in evaluators:
        for key, path in _ann_files(cfg.get(evaluator), evaluator,
                                    wrapped):
            if not _remote(path) and not osp.isfile(path):
                raise DataPathError(
                    f'annotation file {path} does not exist: set {key} '
                    '(--cfg-options ' + key + '=FILE)')
