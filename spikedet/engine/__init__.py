"""mmengine glue: hooks and runner helpers."""
from .hooks import SafeLoadHook

__all__ = ['SafeLoadHook']
