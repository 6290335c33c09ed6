"""What every spiking wrapper reads from its config: method and read-outs."""
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Tuple

from ..conversion.methods import METHODS, resolve_options
from ..simulation import Schedule, build_schedule, check_timesteps


@dataclass
class SpikingSetup:
    """A conversion method, its options, the read-out T and the schedule.

    Attributes:
        method: Key of :data:`spikedet.conversion.METHODS`.
        options: The other entries of the ``conversion`` dict.
        timesteps: Sorted read-out wake steps.
        schedule: The given schedule, or the method's default one.
    """
    method: str
    options: Dict[str, Any]
    timesteps: Tuple[int, ...]
    schedule: Schedule

    @classmethod
    def from_config(cls, conversion: Dict, timesteps: Sequence[int],
                    schedule: Optional[Dict]) -> 'SpikingSetup':
        """Validate and build (unknown method / option, bad T raise)."""
        options = dict(conversion)
        method = options.pop('method', 'if')
        resolve_options(method, options)
        return cls(method, options, check_timesteps(list(timesteps)),
                   build_schedule(schedule or METHODS[method].schedule))
