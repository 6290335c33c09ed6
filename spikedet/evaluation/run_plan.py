"""Which read-outs a comparison run simulates: the columns, a longer run
for a curve short of 99 % of its ANN, the one T of a single inference."""
from typing import Dict, List, Optional, Sequence

from ..conversion.methods import Method
from .claims import TARGET
from .curve import first_reaching
from .report import main_metric


def doublings(timesteps: Sequence[int], extend_to: int) -> List[int]:
    """The doublings of the largest of ``timesteps`` up to ``extend_to``."""
    more, t = [], max(timesteps) * 2
    while t <= extend_to:
        more.append(t)
        t *= 2
    return more


def extension(run: Dict, timesteps: Sequence[int],
              extend_to: int) -> List[int]:
    """The read-outs of a longer run, for a curve that has not reached 99 %
    of its ANN by its largest T: ``timesteps`` and :func:`doublings` up to
    ``extend_to``; empty when the run reached it, was refused, or cannot
    be extended."""
    more = doublings(timesteps, extend_to)
    if not more or 'curve' not in run or first_reaching(
            run['curve'], main_metric(run['curve']), TARGET) is not None:
        return []
    return [*timesteps, *more]


def single_readout(method: Optional[Method],
                   timesteps: Sequence[int]) -> int:
    """The one T a single-inference method is run and read at (it answers
    the same at every T: the first), 0 for any other method."""
    return timesteps[0] if method is not None and \
        method.single_inference else 0
