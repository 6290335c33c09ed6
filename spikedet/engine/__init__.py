"""mmengine glue: hooks and runner helpers."""
from .hooks import ClipCalibrationHook, ConversionHook, SafeLoadHook

__all__ = ["ClipCalibrationHook", "ConversionHook", "SafeLoadHook"]
