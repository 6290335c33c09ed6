"""The delay of delayed evaluation, kept with the network it belongs to."""
import torch
from torch import Tensor

from .stateful import StatefulModule

#: The attribute under which a converted network keeps its delay.
DELAY_ATTR = 'spikedet_readout_delay'


class ReadoutDelay(StatefulModule):
    """Holds a network's evaluation delay ``t0`` (steps) as a buffer, so
    it is saved and loaded with the converted weights. Calling it is the
    identity (an ``nn.Sequential`` calls every child); the simulator reads
    :meth:`readout_delay` and averages the output only over steps after
    ``t0`` (delayed evaluation, see
    :func:`spikedet.simulation.evaluation_window`).

    Args:
        delay: ``t0``, a non-negative number of steps.
    """

    silent_is_fixed_point = True

    def __init__(self, delay: int = 0) -> None:
        super().__init__()
        if delay < 0:
            raise ValueError(f'the evaluation delay must be >= 0, got {delay}')
        self.register_buffer('delay', torch.tensor(int(delay)))

    @classmethod
    def attach(cls, net: torch.nn.Module, delay: int) -> None:
        """Keep ``delay`` with ``net`` (replacing any delay it had)."""
        net.add_module(DELAY_ATTR, cls(delay))

    def readout_delay(self) -> int:
        return int(self.delay)

    def forward(self, x: Tensor) -> Tensor:
        return x

    def reset(self) -> None:
        """No per-input state."""

    def extra_repr(self) -> str:
        return f'delay={int(self.delay)}'
