"""ANN-to-SNN conversion passes (pure torch)."""
from .clip_calibration import calibrate_clip_tops
from .clip_floor import ClipFloor
from .converter import calibrate, convert
from .errors import ConversionError, UnsupportedLayerError
from .fold_bn import find_conv_bn_pairs, fold_batchnorm
from .methods import (METHODS, OBSERVER_OPTIONS, Method, register_method,
                      resolve, resolve_options)
from .observers import ActivationObserver
from .quantize import quantize_activations
from .rounding import without_rounding
from .site_rewrite import FunctionalSites, SiteSequence, install_sites
from .sites import Site, SiteTable, trace_sites

__all__ = [
    'calibrate_clip_tops', 'ClipFloor', 'calibrate', 'convert', 'ConversionError',
    'UnsupportedLayerError', 'find_conv_bn_pairs', 'fold_batchnorm',
    'METHODS', 'OBSERVER_OPTIONS', 'Method', 'register_method', 'resolve',
    'resolve_options', 'ActivationObserver',
    'quantize_activations', 'FunctionalSites', 'SiteSequence',
    'install_sites', 'Site', 'SiteTable', 'trace_sites', 'without_rounding'
]
