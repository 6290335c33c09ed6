"""Recognise a silent sleep step, after which the sleep phase is idle."""
from typing import Any, List

from torch import nn
from torch.utils._pytree import tree_leaves

from ..neurons.stateful import StatefulModule, opaque_hook


class SilenceWatch:
    """Watches sleep steps for total silence.

    In a sleep step the input and every bias are zero. If no stateful
    module emits anything in such a step and the network output is zero,
    every synaptic layer saw zeros, so every module got an all-zero input;
    when each of them declares ``silent_is_fixed_point`` (its state did not
    change), the next sleep step is the same step again, and so is every
    one until the phase ends: the simulator may skip them, counting them as
    simulated. CASC's consistent neurons settle well before the end of a
    56-step sleep on shallow networks, so this saves most of the sleep cost
    there (exactness: tests/test_simulation/test_silence.py).

    Networks with a module that keeps a clock (BSNN's phases, Spike
    Calibration's silent-time counter) are never skipped.

    Args:
        net: The converted network.
        enabled: False when the schedule has no sleep steps: then no hook
            is registered and the timestep loop pays nothing.
    """

    def __init__(self, net: nn.Module, enabled: bool = True) -> None:
        modules = [m for m in net.modules() if isinstance(m, StatefulModule)]
        self.enabled = enabled and all(m.silent_is_fixed_point
                                       for m in modules)
        self._modules = modules if self.enabled else []
        self._handles: List[Any] = []
        self._armed = False
        self._loud = False

    def _hook(self, module, args, out) -> None:
        if self._armed and not self._loud and bool(out.any()):
            self._loud = True

    def __enter__(self) -> 'SilenceWatch':
        self._handles = [m.register_forward_hook(opaque_hook(self._hook))
                         for m in self._modules]
        return self

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def arm(self, sleep: bool) -> None:
        """Start watching the coming step if it is a sleep step."""
        self._armed = self.enabled and sleep
        self._loud = False

    def silent(self, output: Any) -> bool:
        """Whether the watched step emitted nothing and output zeros."""
        if not self._armed or self._loud:
            return False
        return not any(bool(t.any()) for t in tree_leaves(output))
