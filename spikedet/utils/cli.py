"""Entry-point wrapper for tools: user mistakes become one line, not a trace."""
import sys
from typing import Callable, Optional

from ..errors import UserInputError


def run_cli(main: Callable[[], Optional[int]]) -> None:
    """Run ``main`` and exit with its code.

    A :class:`UserInputError` prints ``error: <message>`` on stderr and exits
    with status 2; any other exception is a bug and keeps its traceback.

    Args:
        main: The tool's main function; returns an exit code or None.
    """
    try:
        code = main() or 0
    except UserInputError as exc:
        sys.stderr.write(f'error: {exc}\n')
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write('interrupted\n')
        sys.exit(130)
    sys.exit(code)
