"""Building from a config: a user's wrong type or key becomes one line."""
import re
from contextlib import contextmanager
from typing import Iterator

from ..errors import ConfigError

# mmengine's registry: "<Type> is not in the <scope>::<name> registry ...".
_UNKNOWN_TYPE = re.compile(r'([^\s\'"]+) is not in the (\S+) registry')
# A class built with a keyword it does not take, or without one it needs.
_BAD_ARGUMENT = re.compile(r'unexpected keyword argument|missing \d+ required')


@contextmanager
def config_errors(what: str = 'the config') -> Iterator[None]:
    """Turn the errors of building objects from ``what`` that come from the
    config itself into :class:`ConfigError`: a ``type`` no registry knows,
    an argument a class does not take or needs. Any other error is a bug
    and keeps its traceback.

    Args:
        what: Names the config in the message (e.g. a file path).
    """
    try:
        yield
    except KeyError as exc:
        found = _UNKNOWN_TYPE.search(str(exc))
        if found is None:
            raise
        raise ConfigError(
            f'{what}: unknown type {found.group(1)!r} (not in the '
            f'{found.group(2)} registry; check its spelling, or that the '
            'package defining it is imported via custom_imports)') from None
    except TypeError as exc:
        if _BAD_ARGUMENT.search(str(exc)) is None:
            raise
        raise ConfigError(f'{what}: {str(exc).splitlines()[0]}') from None
