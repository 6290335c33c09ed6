"""Modules that carry state across timesteps, and the one reset walk."""
import functools
import threading
from typing import Callable

from torch import Tensor, nn

_LOCAL = threading.local()


class _Opaque:
    """The context of :func:`opaque` (a class: cheaper to enter than a
    generator-based context manager, on every neuron step)."""

    def __enter__(self) -> None:
        _LOCAL.depth = getattr(_LOCAL, 'depth', 0) + 1

    def __exit__(self, *exc_info) -> None:
        _LOCAL.depth -= 1


_OPAQUE = _Opaque()


def opaque() -> _Opaque:
    """Mark torch calls made inside a spiking module as its own internals.

    Call-site routers (:mod:`spikedet.conversion.site_rewrite`) pass such
    calls through untouched: a spiking max-pool's ``F.max_pool2d`` is not a
    site of the module that called the pool. Use as ``with opaque(): ...``.
    """
    return _OPAQUE


def set_plain(module: nn.Module, **values) -> None:
    """Set plain attributes of ``module`` (per-step state: never a
    parameter, buffer, submodule or property) in its instance dict,
    without ``nn.Module.__setattr__``'s checks, which cost about a
    microsecond per attribute, several times per neuron and step."""
    module.__dict__.update(values)


def opaque_hook(hook: Callable) -> Callable:
    """``hook`` (a forward hook) running inside :func:`opaque`: a hook that
    computes with torch calls (a statistic, a clamp) while a module with
    call-site routers runs must not be taken for one of its sites."""
    @functools.wraps(hook)
    def wrapped(*args):
        with _OPAQUE:
            return hook(*args)
    return wrapped


def in_opaque() -> bool:
    """Whether the current call runs inside :func:`opaque`."""
    return getattr(_LOCAL, 'depth', 0) > 0


class StatefulModule(nn.Module):
    """A module whose output depends on earlier timesteps.

    Subclasses keep their per-sample state in plain attributes (never in the
    state dict) and restore the initial state in :meth:`reset`.

    ``silent_is_fixed_point`` is True for a module whose state a step with
    an all-zero input, in which it emits nothing, leaves unchanged (so the
    next such step is identical): a membrane-only neuron. The simulator
    then skips the rest of a sleep phase once a whole step was silent
    (:class:`spikedet.simulation.SilenceWatch`). Modules with a clock (a
    phase, a silent-time counter) keep the default False.
    """
    silent_is_fixed_point = False
    # Whether the module's outputs are spike events the statistics count
    # (neurons, spiking max-pools); False for filters and routers.
    emits_spikes = False
    # Whether ``last_spikes`` holds signed spike counts (burst, augmented,
    # signed spikes): the statistics then count |count| spikes per element;
    # otherwise every non-zero output is one event.
    spike_value_is_count = False
    # Whether the module passes analog values on (a rate-exact function):
    # what it emits is no spike, and the synaptic layer reading it, unless
    # a neuron is in between, computes on analog values.
    analog_output = False
    # What the ANN computed at this module's site (an ActivationSpec, set at
    # conversion; None where the module replaced no activation).
    ann_activation = None
    # Whether the current step is a sleep step (CASC's wake-sleep schedule;
    # set by :func:`set_sleep`, ignored by modules without sleep behaviour).
    sleep = False
    # Consecutive steps stacked along the batch dimension of the current
    # call (set by :func:`set_chunk`): a module with per-sample state runs
    # them one after the other (:func:`split_steps`); a router passes its
    # input on.
    chunk = 1
    # Wake steps the current simulation runs to (its largest read-out T;
    # set by :func:`set_horizon`, None outside a simulation). A module whose
    # rule follows the run's length (Spike Calibration's allowance) reads
    # it; the others ignore it.
    horizon = None

    def step_span(self) -> int:
        """Network time steps that one simulation step of this module
        stands for: 1, unless the module runs in a functional form in which
        one step is a whole multi-step inference (One-Spike's phase coding).
        The simulator reports total steps in network time with the largest
        span of the network."""
        return 1

    def latency(self) -> int:
        """Steps before this module's output carries its message (a
        pipelined neuron that first fires after its inputs' phases): 0 for
        a module that responds from the first step. The simulator starts
        the read-out after the largest latency of the network, so a
        read-out at T averages T steps of full messages, and reports the
        latency in the total steps."""
        return 0

    def readout_delay(self) -> int:
        """Steps the read-out should leave out as pipeline fill (delayed
        evaluation): 0 for every module but the network's
        :class:`~spikedet.neurons.readout_delay.ReadoutDelay`, which a
        method attaches when it estimates the fill."""
        return 0

    def reset(self) -> None:
        """Forget all state of the current input."""
        raise NotImplementedError


def reset_states(model: nn.Module) -> int:
    """Reset every :class:`StatefulModule` inside ``model``.

    Walks ``model.modules()`` on every call (no cache, no duck typing), so
    modules swapped in after a previous reset are never missed.

    Args:
        model: Any module.

    Returns:
        The number of modules reset.
    """
    count = 0
    for module in model.modules():
        if isinstance(module, StatefulModule):
            module.reset()
            count += 1
    return count


def set_chunk(model: nn.Module, steps: int) -> None:
    """Tell every stateful module that each call carries ``steps``
    consecutive timesteps, stacked step-major along the batch dimension
    (``[steps * N, ...]``; 1: one step per call, the default)."""
    for module in model.modules():
        if isinstance(module, StatefulModule):
            module.chunk = steps


def set_horizon(model: nn.Module, steps) -> None:
    """Tell every stateful module how many wake steps the current
    simulation runs to (``None``: no simulation is running)."""
    for module in model.modules():
        if isinstance(module, StatefulModule):
            module.horizon = steps


def split_steps(x: Tensor, steps: int) -> Tensor:
    """``[steps * N, ...]`` as ``[steps, N, ...]`` (a view): the
    consecutive timesteps of a chunked call, in order."""
    if x.shape[0] % steps:
        raise ValueError(f'a batch of {x.shape[0]} does not split into '
                         f'{steps} timesteps')
    return x.unflatten(0, (steps, x.shape[0] // steps))


def set_sleep(model: nn.Module, sleep: bool) -> None:
    """Tell every stateful module whether the current step is a sleep step.

    Sleep steps belong to CASC's wake-sleep schedule; neurons that do not
    distinguish them ignore the flag.
    """
    for module in model.modules():
        if isinstance(module, StatefulModule):
            module.sleep = sleep
