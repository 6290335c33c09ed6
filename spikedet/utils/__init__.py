"""Safe checkpoint I/O, config loading, CLI helpers and scope set-up (the
errors they raise are in :mod:`spikedet.errors`)."""
from .checkpoint import load_weights, read_checkpoint, save_weights

__all__ = ['load_weights', 'read_checkpoint', 'save_weights']
