"""Conversion methods: how each call site becomes a spiking module.

A method is a function ``(site, threshold, options) -> nn.Module`` plus its
option defaults and its default simulation schedule. Adding a method adds an
entry here (and, at most, a neuron class); the simulator and the detectors
never change.
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional

import torch
from torch import Tensor, nn

from ..neurons import (BistableNeuron, ConsistentIFNeuron,
                       DoubleThresholdNeuron, IFNeuron, OneSpikeNeuron,
                       SignedConsistentIFNeuron, SignedIFNeuron,
                       SpikeCalibration, SpikingMaxPool2d)
from .depth import spiking_depths
from .phase_calibration import select_bases
from .errors import ConversionError
from .sites import Site

SiteBuilder = Callable[[Site, Optional[Tensor], Dict[str, Any]], nn.Module]
# The neuron of an identity site: (site, positive scale, negative scale,
# options) -> a signed neuron. Also used for a quantized ANN's signed
# clip-floor sites, whose scales are their tops.
IdentityBuilder = Callable[[Site, Tensor, Tensor, Dict[str, Any]], nn.Module]
# A pass over the whole converted network: (snn, run one step, options).
Finalizer = Callable[[nn.Module, Callable[[], Any], Dict[str, Any]], None]

# Observer options every method accepts (see ActivationObserver).
OBSERVER_OPTIONS = dict(threshold='percentile', percentile=99.9,
                        channel_wise=False, nonzero_only=True)
# Options of the conversion itself, for every method: spike_driven puts a
# signed neuron at every identity site (see convert()).
CONVERSION_OPTIONS = dict(spike_driven=True)


@dataclass
class Method:
    """A conversion method.

    Attributes:
        build: Makes the replacement of one activation or max-pool site.
        identity: Makes the signed neuron of one identity site (a synaptic
            layer's analog input) or signed clip-floor site.
        options: Method options and their defaults (observer options are
            added automatically).
        schedule: Default simulation schedule (see
            :func:`spikedet.simulation.build_schedule`).
        finalize: Optional pass over the whole converted network after
            every site is installed (e.g. BSNN's spiking depths).
    """
    build: SiteBuilder
    identity: IdentityBuilder
    options: Dict[str, Any] = field(default_factory=dict)
    schedule: Dict[str, Any] = field(default_factory=lambda: dict(type='plain'))
    finalize: Optional[Finalizer] = None


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
        return SignedIFNeuron(threshold, alpha=site.spec.params['slope'],
                              v_init=opts['v_init'], reset=opts['reset'])
    return IFNeuron(threshold, reset=opts['reset'], v_init=opts['v_init'],
                    max_spikes=_clip_cap(site, threshold, opts['max_spikes']))


def _identity_if(site: Site, pos: Tensor, neg: Tensor,
                 opts: Dict[str, Any]) -> nn.Module:
    """IF family at identity sites: a symmetric signed IF neuron (reset by
    subtraction, or to zero with ``reset='zero'``), a threshold per sign.
    Burst presets keep one spike per step there and Spike Calibration adds
    no filter: an identity site has no inactivated neurons to correct."""
    return SignedIFNeuron(pos, alpha=1.0, v_init=opts['v_init'],
                          reset=opts['reset'], neg_threshold=neg)


def _clip_cap(site: Site, threshold: Tensor,
              cap: Optional[int]) -> Optional[int]:
    """Largest per-step count that keeps a clip site (ReLU6) under its clip:
    ``floor(upper / theta)`` (at least 1) for the largest threshold."""
    if site.spec.kind != 'clip':
        return cap
    fits = max(1, int(site.spec.params['upper'] //
                      float(torch.as_tensor(threshold).max())))
    return fits if cap is None else min(cap, fits)


def _build_spicalib(site: Site, threshold: Optional[Tensor],
                    opts: Dict[str, Any]) -> nn.Module:
    """IF baseline + Spike Calibration: every neuron of a ReLU-type site
    (ReLU, ReLU6, clip-floor) gets a :class:`SpikeCalibration` filter.
    LeakyReLU sites keep the signed IBT neuron without it: a LeakyReLU
    neuron is never "inactivated" (its activation is 0 only at input 0),
    so the rule, which retracts spikes of neurons whose ANN output is 0,
    does not apply there; the converted-layer table shows which neurons
    carry the filter."""
    module = _build_if(site, threshold, opts)
    if isinstance(module, IFNeuron):
        module.spike_filter = SpikeCalibration(opts['allowance'])
    return module


def _build_double(site: Site, threshold: Optional[Tensor],
                  opts: Dict[str, Any]) -> nn.Module:
    """TerMapping (``c_max = 1``) / AugMapping (``c_max > 1`` or None).
    ReLU-type sites: gated double-threshold neurons. LeakyReLU sites:
    ungated, negative threshold imbalanced by ``1 / slope`` (Spiking-YOLO's
    IBT with ternary or augmented spikes). AugMapping splits the calibrated
    threshold into ``c_max`` levels (``theta = lambda / c_max``), so one
    step carries up to ``c_max`` levels of ``lambda / c_max`` (algorithms_
    others.md §3.3, our reading). At ReLU6 sites the cap is lowered so one
    step never exceeds the clip."""
    if site.is_pool:
        return _pool(site)
    kind = site.spec.kind
    cap = opts['c_max']
    if kind == 'clip_floor':
        threshold = site.spec.params['top']
    if cap is not None and cap > 1 and opts['split_threshold']:
        threshold = threshold / cap
    cap = _clip_cap(site, threshold, cap)
    if kind == 'leaky_relu':
        return DoubleThresholdNeuron(threshold, c_max=cap, gate=False,
                                     alpha=site.spec.params['slope'],
                                     v_init=opts['v_init'])
    return DoubleThresholdNeuron(threshold, c_max=cap, gate=True,
                                 v_init=opts['v_init'])


def _identity_double(site: Site, pos: Tensor, neg: Tensor,
                     opts: Dict[str, Any]) -> nn.Module:
    """TerMapping / AugMapping at identity sites: the ungated
    double-threshold neuron with a scale per sign (split in ``c_max``
    levels for AugMapping, as its ReLU sites)."""
    cap = opts['c_max']
    if cap is not None and cap > 1 and opts['split_threshold']:
        pos, neg = pos / cap, neg / cap
    return DoubleThresholdNeuron(pos, c_max=cap, gate=False, alpha=1.0,
                                 v_init=opts['v_init'], neg_threshold=neg)


def _build_bsnn(site: Site, threshold: Optional[Tensor],
                opts: Dict[str, Any]) -> nn.Module:
    """BSNN: bistable neurons with twice the calibrated threshold (the
    message is the rate over a cycle of two phases, see
    :class:`BistableNeuron`); LeakyReLU sites fire signed spikes (our
    extension); max-pools stay spiking max-pools."""
    if site.is_pool:
        return _pool(site)
    kind = site.spec.kind
    if kind == 'clip_floor':
        threshold = site.spec.params['top']
    alpha = site.spec.params['slope'] if kind == 'leaky_relu' else None
    return BistableNeuron(threshold * 2, phase=opts['phase'],
                          sync=opts['sync'], alpha=alpha,
                          v_init=opts['v_init'])


def _identity_bsnn(site: Site, pos: Tensor, neg: Tensor,
                   opts: Dict[str, Any]) -> nn.Module:
    """BSNN at identity sites: a signed bistable neuron (both thresholds
    doubled, as at its ReLU sites)."""
    return BistableNeuron(pos * 2, phase=opts['phase'], sync=opts['sync'],
                          alpha=1.0, v_init=opts['v_init'],
                          neg_threshold=neg * 2)


def _assign_depths(snn: nn.Module, run: Callable[[], Any],
                   opts: Dict[str, Any]) -> None:
    """Give every bistable neuron its spiking depth (its phase parity)."""
    depths = spiking_depths(snn, run)
    for name, module in snn.named_modules():
        if isinstance(module, BistableNeuron):
            module.depth = depths.get(name, 1)


def _build_onespike(site: Site, threshold: Optional[Tensor],
                    opts: Dict[str, Any]) -> nn.Module:
    """One-Spike: every activation site becomes a single-spike phase-coded
    neuron (see :class:`OneSpikeNeuron`); max-pools stay max-pools of the
    coded values (Q is monotone, so the earliest spike wins; a plain
    ``nn.MaxPool2d`` computes exactly that on the stateless outputs)."""
    if site.is_pool:
        return nn.MaxPool2d(*site.pool_args)
    kind = site.spec.kind
    upper = alpha = None
    if kind == 'clip':
        upper = site.spec.params['upper']
    elif kind == 'clip_floor':
        upper = threshold = site.spec.params['top']
    elif kind == 'leaky_relu':
        alpha = site.spec.params['slope']
    return OneSpikeNeuron(threshold, base=opts['base'], phases=opts['phases'],
                          shift=opts['shift'], upper=upper, alpha=alpha)


def _identity_onespike(site: Site, pos: Tensor, neg: Tensor,
                       opts: Dict[str, Any]) -> nn.Module:
    """One-Spike at identity sites: signed single-spike phase coding,
    each sign on its own scale."""
    return OneSpikeNeuron(pos, base=opts['base'], phases=opts['phases'],
                          shift=opts['shift'], alpha=1.0, neg_threshold=neg)


def _select_phase_codes(snn: nn.Module, run: Callable[[], Any],
                        opts: Dict[str, Any]) -> None:
    """Depths (for the latency) and, unless fixed, per-layer bases and
    shifts chosen on the first calibration batch."""
    depths = spiking_depths(snn, run)
    for name, module in snn.named_modules():
        if isinstance(module, OneSpikeNeuron):
            module.depth = depths.get(name, 1)
    if opts['select']:
        select_bases(snn, run)


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


def _identity_cif(site: Site, pos: Tensor, neg: Tensor,
                  opts: Dict[str, Any]) -> nn.Module:
    """CASC at identity sites: the signed consistent IF neuron. At a
    signed clip-floor site its scales are the tops and its rounding shift
    the clip-floor's (exact with wake-sleep); at a site of an ANN that was
    not quantized there, the calibrated thresholds and ``v_init`` as
    shift."""
    shift = site.spec.params['shift'] \
        if site.spec.kind == 'signed_clip_floor' else opts['v_init']
    return SignedConsistentIFNeuron(pos, neg, max_spikes=opts['max_spikes'],
                                    shift=shift)


METHODS: Dict[str, Method] = {
    # The spec's baseline defaults (algorithms_others.md 6.0): reset by
    # subtraction, initial membrane theta / 2 (the count rounds instead of
    # flooring, so the per-layer quantization error has zero mean).
    'if': Method(_build_if, _identity_if,
                 dict(reset='subtract', v_init=0.5, max_spikes=1)),
    'cif_wsc': Method(_build_cif, _identity_cif,
                      dict(v_init=0.0, max_spikes=1),
                      dict(type='wake_sleep', margin=8, sleep=56)),
    # Spike Calibration (algorithms_casc.md §2.3) on the IF baseline; burst
    # spikes are max_spikes > 1 (the 'burst' preset).
    'spicalib': Method(_build_spicalib, _identity_if,
                       dict(reset='subtract', v_init=0.5, max_spikes=1,
                            allowance=32)),
    # BSNN (algorithms_others.md §1): P steps per phase.
    'bsnn': Method(_build_bsnn, _identity_bsnn,
                   dict(phase=4, sync=True, v_init=0.5),
                   finalize=_assign_depths),
    # One-Spike (algorithms_others.md §2): K phases; base and shift chosen
    # per layer (select=True) or fixed (base, shift; shift None = midpoint).
    'onespike': Method(_build_onespike, _identity_onespike,
                       dict(phases=8, base=2.0, shift=None, select=True),
                       finalize=_select_phase_codes),
    # TerMapping / AugMapping (algorithms_others.md §3).
    'termapping': Method(_build_double, _identity_double,
                         dict(c_max=1, split_threshold=False, v_init=0.5)),
    'augmapping': Method(_build_double, _identity_double,
                         dict(c_max=4, split_threshold=True, v_init=0.5)),
}


def resolve_options(method: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """Defaults of ``method`` updated with ``options``.

    Raises:
        ConversionError: Unknown method or option.
    """
    if method not in METHODS:
        raise ConversionError(f'unknown conversion method {method!r}; '
                              f'choose from {sorted(METHODS)}')
    known = {**OBSERVER_OPTIONS, **CONVERSION_OPTIONS,
             **METHODS[method].options}
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ConversionError(f'unknown option(s) {unknown} for method '
                              f'{method!r}; known: {sorted(known)}')
    return {**known, **options}
