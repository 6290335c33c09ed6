"""spikedet's hooks."""
from .safe_load_hook import SafeLoadHook

__all__ = ['SafeLoadHook']
