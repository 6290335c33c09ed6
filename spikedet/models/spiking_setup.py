"""What every spiking wrapper reads from its config: method and read-outs."""
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Tuple

from ..conversion.methods import resolve
from ..simulation import Schedule, build_schedule, check_chunk, check_timesteps


@dataclass
class SpikingSetup:
    """A conversion method, its options, the read-out T and the schedule.

    Attributes:
        method: A method or preset name (see
            :func:`spikedet.conversion.methods.names`).
        options: The other entries of the ``conversion`` dict.
        timesteps: Sorted read-out wake steps.
        schedule: The given schedule, or the preset's default one.
        chunk: Wake steps per forward call (see
            :func:`spikedet.simulation.iterate_readouts`).
    """
    method: str
    options: Dict[str, Any]
    timesteps: Tuple[int, ...]
    schedule: Schedule
    chunk: int = 1

    @classmethod
    def from_config(cls, conversion: Dict, timesteps: Sequence[int],
                    schedule: Optional[Dict],
                    chunk: int = 1) -> 'SpikingSetup':
        """Validate and build (unknown method / option, bad T or chunk
        raise)."""
        options = dict(conversion)
        method = options.pop('method', 'if')
        resolved = resolve(method, options)
        return cls(method, options, check_timesteps(list(timesteps)),
                   build_schedule(schedule or resolved.schedule),
                   check_chunk(chunk))
