"""Metrics over timesteps and accuracy-vs-T curves."""
from .curve import extract_curve, first_reaching, metric_key
from .metrics import TimestepAccuracy, TimestepMetric

__all__ = ['extract_curve', 'first_reaching', 'metric_key',
           'TimestepAccuracy', 'TimestepMetric']
