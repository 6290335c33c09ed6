"""Conversion methods: how each call site becomes a spiking module.

A method is a function ``(site, threshold, options) -> nn.Module`` plus its
option defaults and its default simulation schedule. Adding a method adds an
entry here (and, at most, a neuron class); the simulator and the detectors
never change.
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional

from torch import Tensor, nn

from ..neurons import (ConsistentIFNeuron, IFNeuron, SignedIFNeuron,
                       SpikingMaxPool2d)
from .errors import ConversionError
from .sites import Site

SiteBuilder = Callable[[Site, Optional[Tensor], Dict[str, Any]], nn.Module]

# Observer options every method accepts (see ActivationObserver).
OBSERVER_OPTIONS = dict(threshold='percentile', percentile=99.9,
                        channel_wise=False, nonzero_only=True)


@dataclass
class Method:
    """A conversion method.

    Attributes:
        build: Makes the replacement of one site.
        options: Method options and their defaults (observer options are
            added automatically).
        schedule: Default simulation schedule (see
            :func:`spikedet.simulation.build_schedule`).
    """
    build: SiteBuilder
    options: Dict[str, Any] = field(default_factory=dict)
    schedule: Dict[str, Any] = field(default_factory=lambda: dict(type='plain'))


def _pool(site: Site) -> nn.Module:
    return SpikingMaxPool2d(*site.pool_args)


def _build_if(site: Site, threshold: Optional[Tensor],
              opts: Dict[str, Any]) -> nn.Module:
    """IF baseline. ReLU: IF with the calibrated threshold. ReLU6 / Hardtanh:
    the same (calibrated on clipped outputs, so the threshold never exceeds
    the clip and the one-spike-per-step ceiling is the clip). LeakyReLU:
    Spiking-YOLO's signed IBT neuron. Clip-floor (quantized ANN): IF with
    the clip top as threshold."""
    if site.is_pool:
        return _pool(site)
    kind = site.spec.kind
    if kind == 'clip_floor':
        threshold = site.spec.params['top']
    if kind == 'leaky_relu':
        if opts['reset'] != 'subtract':
            raise ConversionError(
                f'{site.name}: the signed neuron for LeakyReLU resets by '
                "subtraction only; use reset='subtract'")
        return SignedIFNeuron(threshold, alpha=site.spec.params['slope'],
                              v_init=opts['v_init'])
    return IFNeuron(threshold, reset=opts['reset'], v_init=opts['v_init'],
                    max_spikes=opts['max_spikes'])


def _build_cif(site: Site, threshold: Optional[Tensor],
               opts: Dict[str, Any]) -> nn.Module:
    """CASC: consistent IF neurons. Clip-floor sites get their clip top as
    threshold (1 in the paper) and their rounding shift as initial membrane
    (0 in the paper): exact with wake-sleep. Plain ReLU / clip sites get the calibrated threshold:
    our "CIF + data-based threshold" variant for ANNs that were not
    quantization-aware. LeakyReLU has no consistent signed neuron."""
    if site.is_pool:
        return _pool(site)
    kind = site.spec.kind
    if kind == 'leaky_relu':
        raise ConversionError(
            f'{site.name}: CASC has no consistent neuron for LeakyReLU; '
            'fine-tune the ANN with clip-floor activations first '
            '(spikedet.conversion.quantize_activations) or use method "if"')
    v_init = opts['v_init']
    if kind == 'clip_floor':
        # The neuron starts at shift x top: its count is then the ANN's
        # floor(L x / top + shift), exactly.
        threshold = site.spec.params['top']
        v_init = site.spec.params['shift']
    return ConsistentIFNeuron(threshold, max_spikes=opts['max_spikes'],
                              v_init=v_init)


METHODS: Dict[str, Method] = {
    # The spec's baseline defaults (algorithms_others.md 6.0): reset by
    # subtraction, initial membrane theta / 2 (the count rounds instead of
    # flooring, so the per-layer quantization error has zero mean).
    'if': Method(_build_if,
                 dict(reset='subtract', v_init=0.5, max_spikes=1)),
    'cif_wsc': Method(_build_cif, dict(v_init=0.0, max_spikes=1),
                      dict(type='wake_sleep', margin=8, sleep=56)),
}


def resolve_options(method: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """Defaults of ``method`` updated with ``options``.

    Raises:
        ConversionError: Unknown method or option.
    """
    if method not in METHODS:
        raise ConversionError(f'unknown conversion method {method!r}; '
                              f'choose from {sorted(METHODS)}')
    known = {**OBSERVER_OPTIONS, **METHODS[method].options}
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ConversionError(f'unknown option(s) {unknown} for method '
                              f'{method!r}; known: {sorted(known)}')
    return {**known, **options}
