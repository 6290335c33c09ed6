"""Errors that mean "the user handed us something wrong" (the package root:
the pure-torch core raises them too, without importing any mmdet glue).

Tools catch :class:`UserInputError` and print its message as one line with a
non-zero exit; anything else is a bug and keeps its traceback.
"""


class UserInputError(Exception):
    """Base class of every error caused by user input."""


class CheckpointError(UserInputError):
    """A checkpoint is missing, unreadable, unsafe or does not fit the model."""


class ConfigError(UserInputError):
    """A config file is missing or invalid."""


class DataPathError(UserInputError):
    """A data root or annotation file a config names does not exist."""
