"""Spiking detectors and classifiers, and the registration of spiking
modules (mmdet / mmengine glue)."""
from . import neuron_registry  # noqa: F401
