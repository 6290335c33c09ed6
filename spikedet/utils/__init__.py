"""Safe checkpoint I/O, config loading, CLI helpers and scope set-up."""
from .checkpoint import load_weights, read_checkpoint, save_weights
from .errors import CheckpointError, ConfigError, UserInputError

__all__ = [
    'load_weights', 'read_checkpoint', 'save_weights', 'CheckpointError',
    'ConfigError', 'UserInputError'
]
