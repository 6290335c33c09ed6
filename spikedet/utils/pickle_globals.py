"""The globals a pickled file names, read without unpickling it.

Unpickling a global imports it and may call it (``posix.system``,
``builtins.eval``, ...), so a refused checkpoint is described from its
opcodes alone: :func:`pickletools.genops` lists them and nothing is built.
"""
import io
import pickletools
import re
import zipfile
from typing import BinaryIO, Iterator, List, Optional

# A legacy torch file is five pickles in a row (magic number, protocol,
# system info, the object, its storage keys), then raw storage bytes; a
# plain pickle file is one.
_MAX_PICKLES = 5
_STRINGS = {'STRING', 'BINSTRING', 'SHORT_BINSTRING', 'UNICODE',
            'BINUNICODE', 'SHORT_BINUNICODE', 'BINUNICODE8'}
_GETS = {'GET', 'BINGET', 'LONG_BINGET'}
_PUTS = {'PUT', 'BINPUT', 'LONG_BINPUT'}
_DOTTED_NAME = re.compile(r'[A-Za-z_][\w.]*')


def _one_pickle(stream: BinaryIO) -> List[str]:
    """The globals of the pickle starting at ``stream``'s position, read up
    to its STOP (``stream`` is left after it).

    Raises:
        ValueError: The bytes are not a complete pickle.
    """
    found: List[str] = []
    strings: List[str] = []  # string values pushed so far, memo reads too
    memo = {}
    previous: Optional[str] = None  # the last op's string value, if any
    for opcode, arg, _ in pickletools.genops(stream):
        name, value = opcode.name, None
        if name in _STRINGS:
            value = arg.decode('latin-1') if isinstance(arg, bytes) else arg
        elif name in _GETS:
            value = memo.get(arg)
        elif name in _PUTS:
            memo[arg] = previous
        elif name == 'MEMOIZE':
            memo[len(memo)] = previous
        elif name in ('GLOBAL', 'INST'):  # arg: 'module name'
            found.append(arg.replace(' ', '.', 1))
        elif name == 'STACK_GLOBAL' and len(strings) >= 2:
            found.append(f'{strings[-2]}.{strings[-1]}')
        if isinstance(value, str):
            strings.append(value)
        previous = value if isinstance(value, str) else None
    return found


def _pickles(stream: BinaryIO) -> Iterator[str]:
    """The globals of up to :data:`_MAX_PICKLES` complete pickles in a row;
    stops at the first bytes that are not one."""
    for _ in range(_MAX_PICKLES):
        try:
            found = _one_pickle(stream)
        except Exception:  # noqa: BLE001 - not a pickle (any more)
            return
        yield from (g for g in found if _DOTTED_NAME.fullmatch(g))


def pickled_globals(path: str) -> List[str]:
    """Every global the pickles of a file name, in order, repeats dropped.

    Reads a torch zip file's ``*.pkl`` members, or the file itself as
    pickles in a row (a legacy torch file or a plain pickle). Never raises:
    what cannot be read contributes nothing.

    Args:
        path: The file.

    Returns:
        Dotted names such as ``'posix.system'``.
    """
    found: List[str] = []
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if member.endswith('.pkl'):
                        found += _pickles(io.BytesIO(archive.read(member)))
        else:
            with open(path, 'rb') as f:
                found += _pickles(f)
    except Exception:  # noqa: BLE001 - a damaged file names nothing
        pass
    return list(dict.fromkeys(found))
