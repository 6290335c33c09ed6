"""The comparison's method presets: names or preset files, checked,
keyed and made analog."""
import os
import os.path as osp
from typing import List, Optional, Sequence

from spikedet.conversion.methods import Method, resolve
from spikedet.engine.spiking_config import available_methods, load_method
from spikedet.errors import ConfigError, UserInputError
from spikedet.utils.atomic_io import atomic_write_text


def preset_key(preset: str) -> str:
    """A preset's name in tables and folders: itself, or a file's stem."""
    return osp.splitext(osp.basename(preset))[0]


def check_presets(presets: Sequence[str]) -> List[str]:
    """``presets`` (names or preset files), checked.

    Raises:
        UserInputError: A name that is neither a method / preset nor a file.
    """
    known = available_methods()
    unknown = sorted(p for p in presets if p not in known
                     and not (p.endswith('.py') and osp.isfile(p)))
    if unknown:
        raise UserInputError(f'unknown method(s) {unknown}; choose from '
                             f'{known} or give preset files')
    return list(presets)


def preset_method(preset: str) -> Optional[Method]:
    """The method record of a preset, or None when it does not load (its
    runs are then refused with the reason)."""
    try:
        conversion = dict(load_method(preset)['conversion'])
    except ConfigError:
        return None
    return resolve(conversion.pop('method')).method


def analog_preset(preset: str, work: str) -> str:
    """A preset file in ``work``: ``preset`` with ``spike_driven=False``
    (the conversion option; a ``--cfg-options`` entry would reach the ANN's
    config, not the conversion's)."""
    loaded = load_method(preset)
    os.makedirs(work, exist_ok=True)
    path = osp.join(work, 'preset_analog.py')
    atomic_write_text(path, 'conversion = {!r}\nschedule = {!r}\n'.format(
        dict(loaded['conversion'], spike_driven=False), loaded['schedule']))
    return path
