"""convert(): an ANN in, a spiking network out."""
import copy
from typing import Any, Callable, Dict, Iterable, Optional, Union

from torch import nn

from ..neurons import BaseNeuron, CompensatedOp, ReadoutDelay
from .errors import ConversionError, UnsupportedLayerError
from .failures import reported_as_unsupported
from .fold_bn import fold_batchnorm
from .methods import resolve
from .observers import ActivationObserver, SignedObserver
from .ops import unsupported_remedy
from .site_rewrite import install_sites
from .sites import Site, SiteTable, trace_sites

Forward = Callable[[nn.Module, Any], object]


def _default_forward(model: nn.Module, batch: Any) -> object:
    return model(batch)


Observer = Union[ActivationObserver, SignedObserver]


def _observer(site: Site, opts: Dict[str, Any]) -> Observer:
    options = dict(mode=opts['threshold'], percentile=opts['percentile'],
                   channel_wise=opts['channel_wise'],
                   nonzero_only=opts['nonzero_only'])
    if site.is_identity:
        return SignedObserver(**options)
    return ActivationObserver(**options)


def _identity_scales(site: Site, observer: Optional[Observer]):
    """``(positive, negative)`` scales of an identity site: a signed
    clip-floor's tops, else the calibrated thresholds."""
    if site.spec.kind == 'signed_clip_floor':
        return site.spec.params['top'], site.spec.params['neg_top']
    return observer.thresholds()


def _replaces_inplace(model: nn.Module, site: Site) -> bool:
    """Whether ``site`` is an activation module that overwrote its input
    (``inplace=True``): the ANN's author guaranteed that nothing else
    reads that input afterwards, so its spiking replacement may write over
    it too. Functional and identity sites never do."""
    if site.functional or site.is_identity or site.is_pool:
        return False
    return getattr(model.get_submodule(site.owner), 'inplace', False) is True


def calibrate(model: nn.Module, calib_data: Iterable[Any], forward: Forward,
              opts: Dict[str, Any], analog_inputs: bool = False,
              observe_sites: bool = True):
    """Trace the sites of ``model`` over ``calib_data`` and observe them.

    Activation sites get an :class:`ActivationObserver` of their output,
    identity sites a :class:`SignedObserver` of the value they pass on;
    clip-floor sites carry their scales and element-wise functions (made
    rate-exact, no threshold) need none. With
    ``observe_sites=False`` the sites are only traced (no observers).

    Returns:
        ``(site table, {site name: observer})``.

    Raises:
        ConversionError: ``calib_data`` is empty.
    """
    observers: Dict[str, Observer] = {}

    def observe(site: Site, x, y) -> None:
        if site.is_pool or site.spec.compensated or \
                site.spec.kind in ('clip_floor', 'signed_clip_floor'):
            return
        if site.name not in observers:
            observers[site.name] = _observer(site, opts)
        observers[site.name].update(y)

    table: Optional[SiteTable] = None
    for batch in calib_data:
        table = trace_sites(model, lambda b=batch: forward(model, b), table,
                            observe if observe_sites else None,
                            opts['spike_driven'], analog_inputs)
    if table is None:
        raise ConversionError('the calibration set is empty: conversion '
                              'needs at least one batch')
    return table, observers


def convert(model: nn.Module,
            calib_data: Iterable[Any],
            method: str = 'if',
            forward: Optional[Forward] = None,
            fold_bn: bool = True,
            analog_inputs: bool = False,
            **options: Any) -> nn.Module:
    """Convert an ANN into a spiking network.

    Works on any ``nn.Module`` (torchvision classifiers, mmdet detectors'
    backbone + neck + head): it runs the network on the calibration batches,
    finds every activation and max-pool call site, gives each its own spiking
    module, and leaves linear layers as they are. The last layer has no
    activation, so it stays an integrator: the simulator sums its output.
    Element-wise activations that no neuron computes (SiLU, GELU, sigmoid,
    ...) become :class:`~spikedet.neurons.CompensatedOp`: exact on rates
    at every read-out, with analog output that spike-driven conversion
    encodes by a signed neuron before the next synaptic layer.

    Spike-driven (``spike_driven=True``, the default option): every
    synaptic layer that would read an analog value (another synaptic
    layer's output, through linear routing) gets the method's signed
    identity neuron at its input, calibrated per sign; only the layers
    reading the network's input compute on analog values.
    ``spike_driven=False`` leaves those layers analog;
    ``spike_driven='strict'`` also refuses analog islands (normalisations
    and softmaxes made rate-exact, :mod:`.islands`), for networks meant for
    purely spiking hardware.

    Passes, in order: deep copy (``model`` is untouched), eval mode, fold
    BatchNorm, trace sites + observe activations, the method's own
    threshold pass if it has one, install the method's spiking modules,
    the method's finalize pass if it has one, then the ``evaluation_delay``
    option's read-out delay if it is set (delayed evaluation for any
    method: the read-out at T leaves out the first ``t0`` steps, see
    :func:`spikedet.simulation.window_start`).

    Args:
        model: The ANN.
        calib_data: Batches of inputs (training data, never the test split).
        method: A method or preset name (``'if_channel'``, ``'cif_wsc'``,
            see :func:`spikedet.conversion.methods.names`).
        forward: ``forward(model, batch)`` runs one batch; defaults to
            ``model(batch)``.
        fold_bn: Fold BatchNorm into the preceding conv / linear.
            Defaults to True.
        analog_inputs: The model's inputs are an upstream stage's analog
            currents (RoI features of a two-stage detector), so the layers
            reading them get identity sites too (when spike-driven).
            Defaults to False.
        **options: Method and observer options overriding the preset's
            (see the method's module and :data:`OBSERVER_OPTIONS`), e.g. ``percentile=99.9,
            channel_wise=True``.

    Returns:
        The spiking network (a new module).

    Raises:
        ConversionError: Unknown method / option, or empty calibration data.
        UnsupportedLayerError: The network calls an unconvertible operation;
            the message names its module path.
    """
    resolved = resolve(method, options)
    opts = resolved.options
    _check_delay(opts['evaluation_delay'])
    _check_spike_driven(opts['spike_driven'])
    forward = forward or _default_forward
    batches = iter(calib_data)
    try:
        first = next(batches)
    except StopIteration:
        raise ConversionError('the calibration set is empty: conversion '
                              'needs at least one batch') from None
    snn = copy.deepcopy(model).eval()
    with reported_as_unsupported(snn, 'converting'):
        return _convert(snn, first, batches, resolved, forward, fold_bn,
                        analog_inputs)


def _convert(snn: nn.Module, first: Any, batches: Iterable[Any],
             resolved, forward: Forward, fold_bn: bool,
             analog_inputs: bool) -> nn.Module:
    """The passes of :func:`convert` on the copy ``snn``."""
    opts = resolved.options
    if fold_bn:
        fold_batchnorm(snn, lambda: forward(snn, first))

    seen = [first]  # kept for the method's whole-network pass

    def all_batches():
        yield first
        for batch in batches:
            seen.append(batch)
            yield batch

    chosen = resolved.method
    # A method with its own threshold pass needs the sites, not their
    # percentile statistics.
    table, observers = calibrate(snn, all_batches(), forward, opts,
                                 analog_inputs,
                                 observe_sites=chosen.thresholds is None)
    if opts['spike_driven'] == 'strict':
        refuse_islands(table)
    tuned = chosen.thresholds(snn, table, forward, seen, opts) \
        if chosen.thresholds is not None else {}

    def make(site: Site) -> nn.Module:
        observer = observers.get(site.name)
        if site.spec is not None and site.spec.compensated:
            # Every method: f of the input rates, exactly (no threshold).
            p = site.spec.params
            return CompensatedOp(p['fn'], p['op'], p.get('work', 0))
        if site.name in tuned:
            module = chosen.build(site, tuned[site.name], opts)
        elif site.spec is not None and site.spec.signed and \
                site.spec.kind != 'leaky_relu':
            module = chosen.identity(site, *_identity_scales(site, observer), opts)
        else:
            threshold = observer.threshold() if observer is not None \
                else None
            module = chosen.build(site, threshold, opts)
        if isinstance(module, BaseNeuron):
            # What the ANN computed here (statistics compare against it).
            module.ann_activation = site.spec
            module.overwrite_input = _replaces_inplace(snn, site)
        return module

    install_sites(snn, table, make)
    finalize = chosen.finalize
    if finalize is not None:
        finalize(snn, [lambda b=b: forward(snn, b) for b in seen], opts)
    if opts['evaluation_delay'] is not None:
        ReadoutDelay.attach(snn, opts['evaluation_delay'])
    return snn


def refuse_islands(table: SiteTable) -> None:
    """``spike_driven='strict'``: no site may compute on analog values.

    Raises:
        UnsupportedLayerError: The first island, with its module path and
            what to do about it.
    """
    for site in table.sites:
        if site.spec is not None and site.spec.kind == 'island':
            op = site.spec.params['op']
            raise UnsupportedLayerError(
                f'{site.owner or "<root>"} ({op}) computes on analog values '
                f"at every step, which spike_driven='strict' refuses: "
                f'{unsupported_remedy(op)}')


def _check_spike_driven(value: Any) -> None:
    """The ``spike_driven`` option: True, False or ``'strict'``.

    Raises:
        ConversionError: Anything else.
    """
    if value not in (True, False, 'strict') or isinstance(value, int) and \
            not isinstance(value, bool):
        raise ConversionError("spike_driven must be True, False or 'strict', "
                              f'got {value!r}')


def _check_delay(value: Any) -> None:
    """The ``evaluation_delay`` option: None or an int >= 0.

    Raises:
        ConversionError: Anything else.
    """
    if value is not None and (isinstance(value, bool) or
                              not isinstance(value, int) or value < 0):
        raise ConversionError('evaluation_delay must be None or a whole '
                              f'number of steps >= 0, got {value!r}')
