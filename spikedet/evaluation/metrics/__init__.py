"""Metrics that report per read-out timestep."""
from .timestep_accuracy import TimestepAccuracy
from .timestep_metric import TimestepMetric

__all__ = ['TimestepAccuracy', 'TimestepMetric']
