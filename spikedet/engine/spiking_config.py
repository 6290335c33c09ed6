"""Turn an ANN config into the config of its spiking counterpart."""
import copy
from pathlib import Path
from typing import Dict, List, Sequence

from mmengine.config import Config

from ..utils.atomic_io import atomic_write_text
from ..utils.errors import ConfigError

CONVERSION_DIR = Path(__file__).resolve().parents[2] / 'configs' / '_base_' / 'conversion'
DEFAULT_TIMESTEPS = tuple(2**k for k in range(9))  # 1 .. 256

SPIKING_TYPES = ('SpikingClassifier', 'SpikingDetector')


def wrapper_type(model: Dict) -> str:
    """The spiking wrapper of an ANN model config.

    Raises:
        ConfigError: No wrapper fits, or the model already is spiking.
    """
    kind = model.get('type')
    if kind == 'QuantizedModel':
        return wrapper_type(model['model'])
    if kind in SPIKING_TYPES:
        raise ConfigError('this config already describes a spiking model; '
                          'pass the ANN config')
    if kind == 'ImageClassifier':
        return 'SpikingClassifier'
    if 'bbox_head' in model or ('rpn_head' in model and 'roi_head' in model):
        return 'SpikingDetector'
    raise ConfigError(f'no spiking wrapper for model type {kind!r}: '
                      'spikedet converts image classifiers, single-stage '
                      'detectors (bbox_head) and two-stage detectors '
                      '(rpn_head + roi_head)')


def _wrap_evaluator(evaluator):
    if isinstance(evaluator, (list, tuple)):
        return [_wrap_evaluator(e) for e in evaluator]
    if evaluator.get('type') in ('TimestepMetric', 'TimestepAccuracy'):
        return evaluator
    return dict(type='TimestepMetric', metric=evaluator)


def available_methods() -> List[str]:
    """Names of the conversion presets under ``configs/_base_/conversion``."""
    return sorted(p.stem for p in CONVERSION_DIR.glob('*.py'))


def load_method(name: str) -> Dict:
    """The ``conversion`` and ``schedule`` dicts of preset ``name``.

    Args:
        name: A preset of ``configs/_base_/conversion`` (``'bsnn'``), or the
            path of a preset file of the same form (``conversion = dict(...)``
            and optionally ``schedule = dict(...)``), e.g. a copy of a preset
            with other options for a sweep.

    Raises:
        ConfigError: No such preset, or a preset file without ``conversion``.
    """
    path = Path(name) if name.endswith('.py') else CONVERSION_DIR / f'{name}.py'
    if not path.is_file():
        raise ConfigError(f'unknown conversion method {name!r}; choose from '
                          f'{available_methods()} (configs/_base_/conversion) '
                          'or give the path of a preset file')
    preset = Config.fromfile(str(path))
    if not isinstance(preset.get('conversion'), dict):
        raise ConfigError(f'{path}: a conversion preset needs '
                          '"conversion = dict(method=..., ...)"')
    return dict(conversion=dict(preset.conversion),
                schedule=dict(preset.get('schedule', dict(type='plain'))))


def spiking_config(cfg: Config, method: str,
                   timesteps: Sequence[int] = DEFAULT_TIMESTEPS) -> Config:
    """A copy of ``cfg`` whose model is the spiking wrapper of its model.

    Raises:
        ConfigError: The model type has no spiking wrapper, or is one.
    """
    ann = copy.deepcopy(cfg.model)
    kind = wrapper_type(ann)
    preset = load_method(method)
    out = copy.deepcopy(cfg)
    for key in ('val_evaluator', 'test_evaluator'):
        if key in out:
            out[key] = _wrap_evaluator(out[key])
    out.model = dict(type=kind, ann=ann,
                     conversion=preset['conversion'],
                     schedule=preset['schedule'],
                     timesteps=list(timesteps))
    out.conversion_method = method
    return out


def dump_config(cfg: Config, path: str) -> None:
    """Write ``cfg`` as a self-contained python config file (atomically)."""
    atomic_write_text(path, cfg.pretty_text)
