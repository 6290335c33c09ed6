"""mmengine glue: hooks and runner helpers."""
from .hooks import (ClipCalibrationHook, ConversionHook, DistillationHook,
                    SafeLoadHook)

__all__ = ["ClipCalibrationHook", "ConversionHook", "DistillationHook",
           "SafeLoadHook"]
