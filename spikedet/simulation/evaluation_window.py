"""Delayed evaluation: which steps a read-out averages."""
from typing import Iterable, Set

from torch import nn

from ..neurons.stateful import StatefulModule

#: Fewest steps a delayed read-out averages (Bu et al., CVPR 2025).
MIN_WINDOW = 4


def readout_delay(snn: nn.Module) -> int:
    """The evaluation delay ``t0`` of ``snn``: the largest
    :meth:`StatefulModule.readout_delay` in it (0: average every step)."""
    return max((m.readout_delay() for m in snn.modules()
                if isinstance(m, StatefulModule)), default=0)


def window_start(timestep: int, delay: int,
                 min_window: int = MIN_WINDOW) -> int:
    """Steps a read-out at ``timestep`` leaves out before its window.

    Delayed evaluation averages the output over steps ``(t0, T]`` when the
    run is long enough (``T >= t0 + min_window``), otherwise over the last
    ``min_window`` steps (all of them when ``T <= min_window``); with
    ``t0 = 0`` every step is averaged. The skipped steps are pipeline fill,
    counted in the total steps like any other.
    """
    if delay <= 0:
        return 0
    if timestep >= delay + min_window:
        return delay
    return max(timestep - min_window, 0)


def window_starts(timesteps: Iterable[int], delay: int) -> Set[int]:
    """Every non-zero :func:`window_start` of ``timesteps``: the steps
    after which the simulator keeps a copy of the running output sum."""
    return {s for s in (window_start(t, delay) for t in timesteps) if s > 0}
