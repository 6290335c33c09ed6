"""spikedet's hooks."""
from .conversion_hook import ConversionHook
from .safe_load_hook import SafeLoadHook

__all__ = ['ConversionHook', 'SafeLoadHook']
