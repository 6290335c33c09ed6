"""mmengine glue: hooks and runner helpers."""
from .hooks import ConversionHook, SafeLoadHook

__all__ = ["ConversionHook", "SafeLoadHook"]
