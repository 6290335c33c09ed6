"""What a conversion method is: the :class:`Method` record and its parts.

A method is one module of :mod:`spikedet.conversion.methods` that holds
everything about it: how each call site becomes a spiking module, its
identity-site neuron, its option defaults, its simulation schedule, its
named presets, whether it converts a quantization-aware ANN, and the
paper claims its curves are checked against. The converter, the
simulator, the monitor and the tools read these records and never name a
method.
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from ...neurons import SpikingMaxPool2d
from ..sites import Site

SiteBuilder = Callable[[Site, Optional[Tensor], Dict[str, Any]], nn.Module]
# The neuron of an identity site: (site, positive scale, negative scale,
# options) -> a signed neuron. Also used for a quantized ANN's signed
# clip-floor sites, whose scales are their tops.
IdentityBuilder = Callable[[Site, Tensor, Tensor, Dict[str, Any]], nn.Module]
# A method's own threshold pass, before the sites are installed: (the
# network the sites were traced on, its site table, forward(model, batch),
# the calibration batches, options) -> {site name: the value that build
# receives in place of the observer's threshold(s), identity sites too}.
ThresholdPass = Callable[[nn.Module, Any, Callable[[nn.Module, Any], Any],
                          Sequence[Any], Dict[str, Any]], Dict[str, Any]]
# A pass over the whole converted network: (snn, one callable per
# calibration batch that runs one step on it, options).
Finalizer = Callable[[nn.Module, Sequence[Callable[[], Any]],
                      Dict[str, Any]], None]


@dataclass(frozen=True)
class Claim:
    """A paper's claim that a method's measured curves are checked against
    (by ``spikedet.evaluation.claims.check_<check>``).

    Attributes:
        text: The claim in a few words; ``{preset}`` is replaced by the
            preset that was measured.
        check: ``'fewer_steps'`` (T99 below the reference's) or
            ``'single_spike'`` (within 1 % of the ANN, one spike per neuron).
        reference: The preset compared against (``'fewer_steps'``).
        options: Keyword options of the check (e.g. ``factor=4.0``).
    """
    text: str
    check: str
    reference: Optional[str] = None
    options: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Preset:
    """A named setting of a method: option overrides and, optionally, its
    own schedule (e.g. CASC's L = 4 variant sleeps after 4 wake steps).

    Attributes:
        options: Overrides of the method's option defaults.
        schedule: Overrides of the method's default schedule, or None.
        doc: One line on what the preset is for.
    """
    options: Dict[str, Any] = field(default_factory=dict)
    schedule: Optional[Dict[str, Any]] = None
    doc: str = ''


@dataclass
class Method:
    """A conversion method.

    Attributes:
        name: The registered name (also a preset with no overrides).
        build: Makes the replacement of one activation or max-pool site.
        identity: Makes the signed neuron of one identity site (a synaptic
            layer's analog input) or signed clip-floor site.
        options: Method options and their defaults (observer and conversion
            options are added by the registry).
        schedule: Default simulation schedule (see
            :func:`spikedet.simulation.build_schedule`).
        thresholds: Optional pass that sets the sites' thresholds itself
            (e.g. LTB's local threshold balancing) instead of the
            percentile observers: every site it returns a value for is
            built by ``build(site, value, opts)``, identity sites included.
        finalize: Optional pass over the whole converted network after
            every site is installed (e.g. BSNN's spiking depths).
        presets: Named settings, each usable wherever a method name is.
        needs_quantized_ann: The method converts a quantization-aware ANN
            (clip-floor activations, ``*_casc-l<L>`` checkpoints) whose L is
            the schedule's wake-sleep margin.
        single_inference: Each read-out step is a whole inference (One-Spike's
            functional form), so its statistics are read at T = 1.
        claims: The paper claims checked on this method's curves.
        results_note: What a reader of the comparison table must know to
            read this method's rows (a sentence, or empty).
    """
    name: str
    build: SiteBuilder
    identity: IdentityBuilder
    options: Dict[str, Any] = field(default_factory=dict)
    schedule: Dict[str, Any] = field(default_factory=lambda: dict(type='plain'))
    thresholds: Optional[ThresholdPass] = None
    finalize: Optional[Finalizer] = None
    presets: Dict[str, Preset] = field(default_factory=dict)
    needs_quantized_ann: bool = False
    single_inference: bool = False
    claims: Tuple[Claim, ...] = ()
    results_note: str = ''


def spiking_pool(site: Site) -> nn.Module:
    """A max-pool site's spiking max-pool (same kernel, stride, padding)."""
    return SpikingMaxPool2d(*site.pool_args)


def site_threshold(site: Site, threshold: Optional[Tensor]) -> Tensor:
    """A clip-floor site's clip top (the quantized ANN's own scale), else
    the calibrated ``threshold``."""
    if site.spec.kind == 'clip_floor':
        return site.spec.params['top']
    return threshold


def clip_cap(site: Site, threshold: Tensor,
             cap: Optional[int]) -> Optional[int]:
    """Largest per-step count that keeps a clip site (ReLU6) under its clip:
    ``floor(upper / theta)`` (at least 1) for the largest threshold."""
    if site.spec.kind != 'clip':
        return cap
    fits = max(1, int(site.spec.params['upper'] //
                      float(torch.as_tensor(threshold).max())))
    return fits if cap is None else min(cap, fits)
