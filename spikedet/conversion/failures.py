"""Failures inside a network, reported as the module that failed."""
from contextlib import contextmanager
from typing import Iterator, Optional

from torch import nn

from ..errors import UserInputError
from .errors import UnsupportedLayerError


def failing_module(err: BaseException, net: nn.Module) -> Optional[str]:
    """``'path (Class)'`` of the innermost module of ``net`` whose forward
    was running when ``err`` was raised (read from the traceback), or None
    when no module of ``net`` was."""
    names = {id(m): n for n, m in net.named_modules()}
    found = None
    tb = err.__traceback__
    while tb is not None:
        owner = tb.tb_frame.f_locals.get('self')
        if isinstance(owner, nn.Module) and id(owner) in names:
            found = f'{names[id(owner)] or "<root>"} ({type(owner).__name__})'
        tb = tb.tb_next
    return found


@contextmanager
def reported_as_unsupported(net: nn.Module, doing: str) -> Iterator[None]:
    """Turn any failure inside ``net`` (an mmdet or mmcv operation that
    cannot run here, a head that cannot take spikes) into one line naming
    the module: an :class:`UnsupportedLayerError`. Errors a user can act on
    pass as they are.

    Args:
        net: The network running inside the block.
        doing: What the block does (``'converting'``, ``'simulating'``).
    """
    try:
        yield
    except UserInputError:
        raise
    except Exception as err:  # noqa: BLE001 - reported, with its cause
        where = failing_module(err, net)
        if where is None:
            raise
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise UnsupportedLayerError(
            f'{where} failed while {doing}: {type(err).__name__}: {reason} '
            '(an operation spikedet cannot run here; please report it with '
            'the config)') from err
