"""Conversion methods, one module each, registered by name.

Adding a method is one module here (its site builders, identity neuron,
defaults, schedule, presets and claims, registered with
:func:`register_method`), its neuron if new, and its tests: see
``docs/adding_a_method.md``.
"""
from .base import Claim, Method, Preset
from .registry import (CONVERSION_OPTIONS, METHODS, OBSERVER_OPTIONS,
                       Resolved, names, register_method, resolve,
                       resolve_options)
# Importing each method module registers it.
from . import if_baseline, spicalib, casc, bsnn, onespike, mapping, ltb  # noqa

__all__ = ['Claim', 'Method', 'Preset', 'CONVERSION_OPTIONS', 'METHODS',
           'OBSERVER_OPTIONS', 'Resolved', 'names', 'register_method',
           'resolve', 'resolve_options']
