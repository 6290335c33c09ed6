"""Timestep schedules: which steps are wake steps and which are sleep steps."""
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Tuple, Union

# One simulated step: (is_sleep, wake steps so far, total steps so far,
# whether a read-out is due after this step for the current wake count).
Step = Tuple[bool, int, int, bool]


@dataclass(frozen=True)
class PlainSchedule:
    """Every step is a wake step: the input and the biases drive the net."""

    def steps(self, max_wake: int) -> Iterator[Step]:
        """Yield the steps up to ``max_wake`` wake steps."""
        for t in range(1, max_wake + 1):
            yield False, t, t, True


@dataclass(frozen=True)
class WakeSleepSchedule:
    """CASC's wake-sleep schedule.

    After every ``margin`` wake steps come ``sleep`` sleep steps with zero
    input and all biases zeroed, during which consistent neurons settle their
    counts. The read-out for ``T`` wake steps is taken after the sleep phase
    that follows wake step ``T`` when there is one (``T % margin == 0``),
    otherwise right after wake step ``T``; it is always divided by ``T``.

    Args:
        margin: Wake steps between sleep phases (CASC's L; the method
            module, :mod:`spikedet.conversion.methods.casc`, holds its
            defaults).
        sleep: Sleep steps per sleep phase.
    """
    margin: int
    sleep: int

    def __post_init__(self) -> None:
        if self.margin < 1 or self.sleep < 0:
            raise ValueError('margin must be >= 1 and sleep >= 0')

    def steps(self, max_wake: int) -> Iterator[Step]:
        total = 0
        for t in range(1, max_wake + 1):
            total += 1
            phase_follows = t % self.margin == 0 and self.sleep > 0
            yield False, t, total, not phase_follows
            if phase_follows:
                for k in range(1, self.sleep + 1):
                    total += 1
                    yield True, t, total, k == self.sleep


Schedule = Union[PlainSchedule, WakeSleepSchedule]


def has_sleep(schedule: Schedule) -> bool:
    """Whether ``schedule`` ever runs sleep steps."""
    return isinstance(schedule, WakeSleepSchedule) and schedule.sleep > 0


def build_schedule(cfg: Union[None, Dict[str, Any], Schedule]) -> Schedule:
    """A schedule from ``None`` (plain), a schedule, or a dict with ``type``
    ``'plain'`` or ``'wake_sleep'`` (plus ``margin``, ``sleep``)."""
    if cfg is None:
        return PlainSchedule()
    if isinstance(cfg, (PlainSchedule, WakeSleepSchedule)):
        return cfg
    cfg = dict(cfg)
    kind = cfg.pop('type', 'plain')
    if kind == 'plain':
        return PlainSchedule(**cfg)
    if kind == 'wake_sleep':
        return WakeSleepSchedule(**cfg)
    raise ValueError(f"unknown schedule type {kind!r} ('plain', 'wake_sleep')")
