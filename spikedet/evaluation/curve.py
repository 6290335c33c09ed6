"""Per-timestep metric names and the accuracy-vs-T curve they describe.

Metric keys are ``<prefix>/ann/<name>`` for the ANN and
``<prefix>/T<t>/<name>`` for the SNN read-out at ``t`` wake steps.
"""
import re
from typing import Dict, Optional, Union

_KEY = re.compile(r'^(?:(?P<prefix>.+)/)?(?:T(?P<t>\d+)|(?P<ann>ann))/'
                  r'(?P<name>[^/]+)$')


def metric_key(key: Union[int, str], name: str) -> str:
    """``T<t>/<name>`` for a timestep, ``ann/<name>`` for the ANN."""
    return f'ann/{name}' if key == 'ann' else f'T{int(key)}/{name}'


def extract_curve(metrics: Dict[str, float]) -> Dict:
    """Group flat per-T metrics into a curve.

    Returns:
        ``{'ann': {name: value}, 'timesteps': {t: {name: value}}}``; the
        ``prefix/`` part of each key is dropped.
    """
    curve: Dict = dict(ann={}, timesteps={})
    for key, value in metrics.items():
        match = _KEY.match(key)
        if not match:
            continue
        name = match.group('name')
        if match.group('ann'):
            curve['ann'][name] = value
        else:
            curve['timesteps'].setdefault(int(match.group('t')), {})[name] = value
    curve['timesteps'] = dict(sorted(curve['timesteps'].items()))
    return curve


def first_reaching(curve: Dict, name: str, fraction: float) -> Optional[int]:
    """Smallest T whose ``name`` reaches ``fraction`` of the ANN's, or None."""
    reference = curve['ann'].get(name)
    if reference is None:
        return None
    for t, values in curve['timesteps'].items():
        if values.get(name, float('-inf')) >= fraction * reference:
            return int(t)  # string keys after a JSON round trip
    return None
