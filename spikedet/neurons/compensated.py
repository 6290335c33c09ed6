"""Rate-exact nonlinear operations (the expectation-compensation identity)."""
from typing import Callable, Optional, Tuple

import torch
from torch import Tensor, nn

from .stateful import StatefulModule, opaque, set_plain, split_steps


class CompensatedOp(StatefulModule):
    """Any operation ``f``, exact on rates at every read-out.

    A converted network's read-out at ``T`` is the average of what each
    producer emitted over the wake steps so far; linear layers keep that
    meaning, a nonlinear ``f`` does not (``f`` of an average is not the
    average of ``f``). This module keeps the running sum ``S_t`` of each
    input and the wake count ``t`` and emits::

        y_t = t * f(S_t / t) - (t - 1) * f(S_{t-1} / (t - 1))

    so everything it emitted up to wake step ``t`` sums to ``t * f`` of its
    inputs' averages: its rate is ``f`` of its input rates at every ``t``,
    for any ``f`` and any number of inputs (``SpikingMaxPool2d`` is the
    special case of a positively homogeneous ``f``, where the ``t`` cancel).
    The output is analog; where a synaptic layer reads it, conversion puts a
    signed neuron in between (spike-driven conversion), so an element-wise
    ``f`` followed by that neuron is a neuron with a nonlinear transfer.

    Sleep steps (CASC's wake-sleep schedule) do not advance ``t``: inputs
    arriving then still join ``S`` (the read-out divides by wake steps too),
    and a silent sleep step emits nothing.

    Args:
        fn: ``f``, called on one tensor per input (inside
            :func:`~spikedet.neurons.stateful.opaque`, so the calls it makes
            are not taken for sites of the module that calls this one). A
            module (the ANN's own activation) becomes a child, so its
            parameters are saved with the network.
        name: What ``f`` is, for printing. Defaults to ``fn``'s class or
            function name.
        analog_work: Operations per output element that one evaluation of
            ``f`` costs on analog values, charged at every wake step by the
            energy estimate: an island's (a normalisation, a softmax). 0
            (the default) for an element-wise function, which with the
            signed neuron after it is a neuron with a nonlinear transfer,
            and like a neuron's update is not charged.
    """

    # A silent sleep step leaves S and t, hence the output sum, unchanged.
    silent_is_fixed_point = True
    analog_output = True

    def __init__(self, fn: Callable[..., Tensor],
                 name: Optional[str] = None, analog_work: int = 0) -> None:
        super().__init__()
        self.fn = fn
        self.name = name or getattr(fn, '__name__', type(fn).__name__)
        self.analog_work = analog_work
        self.reset()

    def forward(self, *inputs: Tensor) -> Tensor:
        """One timestep, or :attr:`chunk` stacked ones (in order)."""
        if self.chunk == 1:
            return self.step(*inputs)
        parts = [split_steps(x, self.chunk) for x in inputs]
        return torch.cat([self.step(*(p[i] for p in parts))
                          for i in range(self.chunk)])

    def step(self, *inputs: Tensor) -> Tensor:
        """One timestep: the change of ``t * f(S / t)``."""
        # A copy on the first step: the producer may reuse its output.
        # Detached: no gradient flows through (the statistics' probe
        # must not see f's own synaptic layers, a deformable
        # convolution's offsets, as reading the producer's spikes).
        sums: Tuple[Tensor, ...] = \
            tuple(x.detach().clone() for x in inputs) if self.sums is None \
            else tuple(s + x.detach() for s, x in zip(self.sums, inputs))
        wake = self.wake if self.sleep else self.wake + 1
        with opaque():
            if wake == 0:  # input before any wake step: nothing to pass on
                total = torch.zeros_like(self.fn(*sums))
            else:
                total = wake * self.fn(*(s / wake for s in sums))
        out = total if self.total is None else total - self.total
        set_plain(self, sums=sums, wake=wake, total=total)
        return out

    def reset(self) -> None:
        self.sums: Optional[Tuple[Tensor, ...]] = None
        self.total: Optional[Tensor] = None
        self.wake = 0

    def extra_repr(self) -> str:
        text = '' if isinstance(self.fn, nn.Module) else f'fn={self.name}'
        if self.analog_work:
            text += (', ' if text else '') + f'analog_work={self.analog_work}'
        return text
