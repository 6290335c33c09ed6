"""convert(): an ANN in, a spiking network out."""
import copy
from typing import Any, Callable, Dict, Iterable, Optional

from torch import nn

from ..neurons import BaseNeuron
from .errors import ConversionError
from .fold_bn import fold_batchnorm
from .methods import METHODS, resolve_options
from .observers import ActivationObserver
from .site_rewrite import install_sites
from .sites import Site, SiteTable, trace_sites

Forward = Callable[[nn.Module, Any], object]


def _default_forward(model: nn.Module, batch: Any) -> object:
    return model(batch)


def _observer(opts: Dict[str, Any]) -> ActivationObserver:
    return ActivationObserver(mode=opts['threshold'],
                              percentile=opts['percentile'],
                              channel_wise=opts['channel_wise'],
                              nonzero_only=opts['nonzero_only'])


def calibrate(model: nn.Module, calib_data: Iterable[Any], forward: Forward,
              opts: Dict[str, Any]):
    """Trace the sites of ``model`` over ``calib_data`` and observe them.

    Returns:
        ``(site table, {site name: observer})``.

    Raises:
        ConversionError: ``calib_data`` is empty.
    """
    observers: Dict[str, ActivationObserver] = {}

    def observe(site: Site, x, y) -> None:
        if site.is_pool or site.spec.kind == 'clip_floor':
            return
        if site.name not in observers:
            observers[site.name] = _observer(opts)
        observers[site.name].update(y)

    table: Optional[SiteTable] = None
    for batch in calib_data:
        table = trace_sites(model, lambda b=batch: forward(model, b), table,
                            observe)
    if table is None:
        raise ConversionError('the calibration set is empty: conversion '
                              'needs at least one batch')
    return table, observers


def convert(model: nn.Module,
            calib_data: Iterable[Any],
            method: str = 'if',
            forward: Optional[Forward] = None,
            fold_bn: bool = True,
            **options: Any) -> nn.Module:
    """Convert an ANN into a spiking network.

    Works on any ``nn.Module`` (torchvision classifiers, mmdet detectors'
    backbone + neck + head): it runs the network on the calibration batches,
    finds every activation and max-pool call site, gives each its own spiking
    module, and leaves linear layers as they are. The last layer has no
    activation, so it stays an integrator: the simulator sums its output.

    Passes, in order: deep copy (``model`` is untouched), eval mode, fold
    BatchNorm, trace sites + observe activations, install the method's
    spiking modules.

    Args:
        model: The ANN.
        calib_data: Batches of inputs (training data, never the test split).
        method: A key of :data:`spikedet.conversion.METHODS`.
        forward: ``forward(model, batch)`` runs one batch; defaults to
            ``model(batch)``.
        fold_bn: Fold BatchNorm into the preceding conv / linear.
            Defaults to True.
        **options: Method and observer options (see ``METHODS`` and
            :data:`OBSERVER_OPTIONS`), e.g. ``percentile=99.9,
            channel_wise=True``.

    Returns:
        The spiking network (a new module).

    Raises:
        ConversionError: Unknown method / option, or empty calibration data.
        UnsupportedLayerError: The network calls an unconvertible operation;
            the message names its module path.
    """
    opts = resolve_options(method, options)
    forward = forward or _default_forward
    batches = iter(calib_data)
    try:
        first = next(batches)
    except StopIteration:
        raise ConversionError('the calibration set is empty: conversion '
                              'needs at least one batch') from None
    snn = copy.deepcopy(model).eval()
    if fold_bn:
        fold_batchnorm(snn, lambda: forward(snn, first))

    def all_batches():
        yield first
        yield from batches

    table, observers = calibrate(snn, all_batches(), forward, opts)
    build = METHODS[method].build

    def make(site: Site) -> nn.Module:
        observer = observers.get(site.name)
        threshold = observer.threshold() if observer is not None else None
        module = build(site, threshold, opts)
        if isinstance(module, BaseNeuron):
            # What the ANN computed here (statistics compare against it).
            module.ann_activation = site.spec
        return module

    install_sites(snn, table, make)
    finalize = METHODS[method].finalize
    if finalize is not None:
        finalize(snn, lambda: forward(snn, first), opts)
    return snn
