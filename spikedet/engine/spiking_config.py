"""Turn an ANN config into the config of its spiking counterpart."""
import copy
from pathlib import Path
from typing import Dict, List, Sequence

from mmengine.config import Config

from ..conversion.errors import ConversionError
from ..conversion.methods import names, resolve
from ..simulation import DEFAULT_TIMESTEPS
from ..utils.atomic_io import atomic_write_text
from ..errors import ConfigError


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
    """Every conversion method and preset name (see
    :mod:`spikedet.conversion.methods`)."""
    return names()


def load_method(name: str) -> Dict:
    """The ``conversion`` and ``schedule`` dicts of method or preset
    ``name``.

    Args:
        name: A method or preset name (``'bsnn'``, ``'if_channel'``), or the
            path of a preset file: ``conversion = dict(method=NAME, ...)``
            overriding that preset's options and optionally
            ``schedule = dict(...)`` overriding its schedule (a sweep, e.g.
            ``configs/_base_/conversion/sweeps/bsnn_p2.py``).

    Raises:
        ConfigError: No such name or file, a file without ``conversion``, or
            an option the method does not have.
    """
    if not name.endswith('.py'):
        conversion, schedule = dict(method=name), {}
    else:
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f'no preset file {name}')
        preset = Config.fromfile(str(path))
        if not isinstance(preset.get('conversion'), dict) or \
                'method' not in preset.conversion:
            raise ConfigError(f'{path}: a conversion preset needs '
                              '"conversion = dict(method=..., ...)"')
        conversion = dict(preset.conversion)
        schedule = dict(preset.get('schedule', {}))
    options = {k: v for k, v in conversion.items() if k != 'method'}
    try:
        resolved = resolve(conversion['method'], options)
    except ConversionError as err:
        raise ConfigError(str(err)) from None
    if schedule.get('type', resolved.schedule['type']) != \
            resolved.schedule['type']:
        return dict(conversion=conversion, schedule=schedule)
    return dict(conversion=conversion,
                schedule={**resolved.schedule, **schedule})


def spiking_config(cfg: Config, method: str,
                   timesteps: Sequence[int] = DEFAULT_TIMESTEPS,
                   strict: bool = False) -> Config:
    """A copy of ``cfg`` whose model is the spiking wrapper of its model
    (``strict``: converted with ``spike_driven='strict'``, which refuses
    analog islands).

    Raises:
        ConfigError: The model type has no spiking wrapper, or is one.
    """
    ann = copy.deepcopy(cfg.model)
    kind = wrapper_type(ann)
    preset = load_method(method)
    if strict:
        preset['conversion']['spike_driven'] = 'strict'
    out = copy.deepcopy(cfg)
    for key in ('val_evaluator', 'test_evaluator'):
        if key in out:
            out[key] = _wrap_evaluator(out[key])
    out.model = dict(type=kind, ann=ann,
                     conversion=preset['conversion'],
                     schedule=preset['schedule'],
                     timesteps=list(timesteps))
    return out


def dump_config(cfg: Config, path: str) -> None:
    """Write ``cfg`` as a self-contained python config file (atomically)."""
    atomic_write_text(path, cfg.pretty_text)
