"""Conversion errors a user can act on."""
from ..errors import UserInputError


class UnsupportedLayerError(UserInputError):
    """The network calls an operation that has no spiking counterpart.

    The message names the module path and the remedy.
    """


class ConversionError(UserInputError):
    """Conversion cannot proceed with the given inputs or options."""
