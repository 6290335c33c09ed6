"""The method registry: names (methods and their presets) to settings."""
from dataclasses import dataclass
from typing import Any, Dict, List

from ..errors import ConversionError
from .base import Method

# Observer options every method accepts (see ActivationObserver).
OBSERVER_OPTIONS = dict(threshold='percentile', percentile=99.9,
                        channel_wise=False, nonzero_only=True)
# Options of the conversion itself, for every method: spike_driven puts a
# signed neuron at every identity site ('strict': and refuses analog
# islands, see convert()); evaluation_delay, when not None,
# sets the read-out's delay t0 in steps (delayed evaluation, see convert()).
CONVERSION_OPTIONS = dict(spike_driven=True, evaluation_delay=None)

#: Registered methods by name.
METHODS: Dict[str, Method] = {}


def register_method(method: Method) -> Method:
    """Register ``method`` (and its presets) under its name.

    Raises:
        ValueError: The name or a preset name is taken.
    """
    taken = set(METHODS) | {p for m in METHODS.values() for p in m.presets}
    names = [method.name, *method.presets]
    clash = sorted(taken.intersection(names))
    if clash or len(set(names)) != len(names):
        raise ValueError(f'method names already registered: {clash or names}')
    METHODS[method.name] = method
    return method


def names() -> List[str]:
    """Every name :func:`resolve` accepts: methods and presets."""
    return sorted({n for m in METHODS.values() for n in (m.name, *m.presets)})


@dataclass(frozen=True)
class Resolved:
    """A name resolved to its method, full options and schedule.

    Attributes:
        preset: The name that was resolved.
        method: The method record.
        options: Every option with its value (defaults, the preset's
            overrides, then the caller's).
        schedule: The method's default schedule with the preset's
            overrides.
    """
    preset: str
    method: Method
    options: Dict[str, Any]
    schedule: Dict[str, Any]


def resolve(name: str, options: Dict[str, Any] = None) -> Resolved:
    """Resolve a method or preset name and check ``options`` against it.

    Raises:
        ConversionError: Unknown name or option.
    """
    for method in METHODS.values():
        if name == method.name or name in method.presets:
            break
    else:
        raise ConversionError(f'unknown conversion method {name!r}; '
                              f'choose from {names()}')
    preset = method.presets.get(name)
    known = {**OBSERVER_OPTIONS, **CONVERSION_OPTIONS, **method.options}
    given = {**(preset.options if preset else {}), **(options or {})}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ConversionError(f'unknown option(s) {unknown} for method '
                              f'{name!r}; known: {sorted(known)}')
    schedule = {**method.schedule,
                **(preset.schedule if preset and preset.schedule else {})}
    return Resolved(name, method, {**known, **given}, schedule)


def resolve_options(name: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """Defaults of ``name`` (method or preset) updated with ``options``.

    Raises:
        ConversionError: Unknown name or option.
    """
    return resolve(name, options).options
