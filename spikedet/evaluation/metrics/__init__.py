"""Metrics that report per read-out timestep."""
from .timestep_accuracy import TimestepAccuracy

__all__ = ['TimestepAccuracy']
