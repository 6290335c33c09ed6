"""spikedet's hooks."""
from .clip_calibration_hook import ClipCalibrationHook
from .conversion_hook import ConversionHook
from .distillation_hook import DistillationHook
from .progress_hook import TestProgressHook
from .safe_load_hook import SafeLoadHook
from .spike_stats_hook import SpikeStatsHook

__all__ = [
    'ClipCalibrationHook', 'ConversionHook', 'DistillationHook',
    'SafeLoadHook', 'SpikeStatsHook', 'TestProgressHook'
]
