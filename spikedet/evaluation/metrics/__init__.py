"""Metrics that report per read-out timestep, and on processed images only."""
from .processed_images import (ProcessedImagesMetric,
                               score_processed_images_only)
from .timestep_accuracy import TimestepAccuracy
from .timestep_metric import TimestepMetric

__all__ = ['ProcessedImagesMetric', 'score_processed_images_only',
           'TimestepAccuracy', 'TimestepMetric']
