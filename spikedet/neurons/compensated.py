"""Rate-exact nonlinear operations (the expectation-compensation identity)."""
from typing import Any, Callable, Optional, Tuple

import torch
from torch import Tensor, nn
from torch.utils._pytree import tree_flatten, tree_map, tree_unflatten

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
    for any ``f``, any number of inputs and any structure of outputs
    (``SpikingMaxPool2d`` is the
    special case of a positively homogeneous ``f``, where the ``t`` cancel).
    The output is analog; where a synaptic layer reads it, conversion puts a
    signed neuron in between (spike-driven conversion), so an element-wise
    ``f`` followed by that neuron is a neuron with a nonlinear transfer.

    Sleep steps (CASC's wake-sleep schedule) do not advance ``t``: inputs
    arriving then still join ``S`` (the read-out divides by wake steps too),
    and a silent sleep step emits nothing.

    Args:
        fn: ``f``, called with the inputs' averages (inside
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

    def __init__(self, fn: Callable[..., Any],
                 name: Optional[str] = None, analog_work: float = 0) -> None:
        super().__init__()
        self.fn = fn
        self.name = name or getattr(fn, '__name__', type(fn).__name__)
        self.work = analog_work
        self.reset()

    @property
    def analog_work(self) -> float:
        """Work per output element and wake step: ``f``'s own figure for
        its last call where it keeps one (attention, whose work depends on
        the number of keys), else the one given."""
        work = getattr(self.fn, 'last_work', None)
        return self.work if work is None else work

    def forward(self, *inputs: Any, **options: Any) -> Any:
        """One timestep, or :attr:`chunk` stacked ones (in order)."""
        if self.chunk == 1:
            return self.step(*inputs, **options)
        if options:
            raise ValueError(f'{self.name}: keyword inputs cannot be '
                             'split into stacked steps; simulate with '
                             'chunk=1')
        parts = [split_steps(x, self.chunk) for x in inputs]
        return torch.cat([self.step(*(p[i] for p in parts))
                          for i in range(self.chunk)])

    def step(self, *inputs: Any, **options: Any) -> Any:
        """One timestep: the change of ``t * f(S / t)``. The
        floating-point tensors among the inputs (positional or keyword)
        are averaged; anything else (masks, shapes, None) passes as is."""
        leaves, spec = tree_flatten((inputs, options))
        signal = [i for i, x in enumerate(leaves) if _is_signal(x)]
        # A copy on the first step: the producer may reuse its output.
        # Detached: no gradient flows through (the statistics' probe
        # must not see f's own synaptic layers, a deformable
        # convolution's offsets, as reading the producer's spikes).
        sums: Tuple[Tensor, ...] = \
            tuple(leaves[i].detach().clone() for i in signal) \
            if self.sums is None else \
            tuple(s + leaves[i].detach() for s, i in zip(self.sums, signal))
        wake = self.wake if self.sleep else self.wake + 1
        for i, total in zip(signal, sums):
            leaves[i] = total / max(wake, 1)
        args, kwargs = tree_unflatten(leaves, spec)
        with opaque():
            value = self.fn(*args, **kwargs)
        # Input before any wake step: nothing to pass on yet.
        total = tree_map(lambda y: (y * wake if wake else torch.zeros_like(y))
                         if _is_signal(y) else y, value)
        out = total if self.total is None else tree_map(
            lambda y, before: y - before if _is_signal(y) else y,
            total, self.total)
        set_plain(self, sums=sums, wake=wake, total=total)
        return out

    def reset(self) -> None:
        self.sums: Optional[Tuple[Tensor, ...]] = None
        self.total: Any = None
        self.wake = 0

    def extra_repr(self) -> str:
        text = '' if isinstance(self.fn, nn.Module) else f'fn={self.name}'
        if self.analog_work:
            text += (', ' if text else '') + f'analog_work={self.analog_work}'
        return text


def _is_signal(x: Any) -> bool:
    return isinstance(x, Tensor) and x.is_floating_point()
