"""The timestep loop: one pass, read-outs at many T, memory flat in T."""
from contextlib import ExitStack
from dataclasses import dataclass
from typing import (Any, Callable, Dict, Iterator, List, Optional, Sequence,
                    Set, Tuple)

import torch
from torch import Tensor, nn
from torch.utils._pytree import tree_map

from ..neurons.stateful import (StatefulModule, reset_states, set_chunk,
                                set_horizon, set_sleep, split_steps)
from ..errors import UserInputError
from .bias_control import zeroed_constant_currents
from .evaluation_window import readout_delay, window_start, window_starts
from .input_cache import cached_input_layers
from .schedules import Schedule, Step, build_schedule, has_sleep
from .silence import SilenceWatch

Forward = Callable[[nn.Module, Any], Any]

#: Read-outs when none are asked for: T = 1, 2, 4, ..., 256 wake steps.
DEFAULT_TIMESTEPS: Tuple[int, ...] = tuple(2**k for k in range(9))


class SimulationError(UserInputError):
    """Invalid simulation request (e.g. a timestep that is not positive)."""


@dataclass
class ReadOut:
    """The network output at one read-out.

    Attributes:
        output: Accumulated raw output divided by the steps it sums: all
            ``wake_steps``, or with delayed evaluation the steps after the
            network's evaluation delay (:func:`window_start`).
        wake_steps: Wake steps averaged (the T of the read-out), counted
            after the network's :func:`latency`.
        total_steps: All simulated steps so far (latency + wake + sleep),
            in the network's own time: a step of a phase-coded network
            stands for :func:`step_span` steps.
        silent_steps: Sleep steps among them skipped as provably silent
            (:class:`SilenceWatch`): no spike, no output.
    """
    output: Any
    wake_steps: int
    total_steps: int
    silent_steps: int = 0


def check_timesteps(timesteps: Sequence[int]) -> Tuple[int, ...]:
    """Sorted unique read-out timesteps.

    Raises:
        SimulationError: Empty, or a value that is not a positive integer.
    """
    if not timesteps:
        raise SimulationError('no read-out timesteps given')
    bad = [t for t in timesteps
           if isinstance(t, bool) or not isinstance(t, int) or t <= 0]
    if bad:
        raise SimulationError(f'timesteps must be positive integers, got {bad}')
    return tuple(sorted(set(timesteps)))


def step_span(snn: nn.Module) -> int:
    """Network time steps that one step of the loop stands for: the largest
    :meth:`StatefulModule.step_span` in ``snn`` (1 for rate- and
    count-coded networks; a whole inference's latency for a network that
    runs in a functional form, e.g. single-spike phase coding)."""
    return max((m.step_span() for m in snn.modules()
                if isinstance(m, StatefulModule)), default=1)


def latency(snn: nn.Module) -> int:
    """Steps before ``snn``'s output carries full messages: the largest
    :meth:`StatefulModule.latency` in it (0 for networks whose neurons
    respond from the first step)."""
    return max((m.latency() for m in snn.modules()
                if isinstance(m, StatefulModule)), default=0)


def _default_forward(snn: nn.Module, inputs: Any) -> Any:
    return snn(inputs)


def _groups(steps: Iterator[Step], delay: int, cuts: Set[int],
            chunk: int) -> Iterator[List[Step]]:
    """The schedule's steps (wake counts after the latency ``delay``) in
    groups run by one forward call: up to ``chunk`` consecutive wake steps,
    a group ending at every due step whose wake count is in ``cuts`` (a
    read-out, or the start of a delayed read-out's window); a sleep step
    alone."""
    group: List[Step] = []
    for sleep, wake, total, due in steps:
        step = (sleep, wake - delay, total, due)
        if sleep:
            if group:
                yield group
                group = []
            yield [step]
            continue
        group.append(step)
        if len(group) == chunk or (due and wake - delay in cuts):
            yield group
            group = []
    if group:
        yield group


def _stacked(inputs: Any, steps: int) -> Any:
    # The constant input repeated for ``steps`` steps, step-major.
    return tree_map(lambda t: t.repeat(steps, *([1] * (t.dim() - 1)))
                    if isinstance(t, Tensor) else t, inputs)


def _leading(stacked: Any, steps: int, chunk: int) -> Any:
    # The first ``steps`` of a stack of ``chunk`` (views: same storage).
    return tree_map(lambda t: t[:t.shape[0] // chunk * steps]
                    if isinstance(t, Tensor) else t, stacked)


def check_chunk(chunk: int) -> int:
    """``chunk`` if it is a positive integer.

    Raises:
        SimulationError: Otherwise.
    """
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise SimulationError(f'chunk must be a positive integer (steps per '
                              f'forward call), got {chunk!r}')
    return chunk


def iterate_readouts(snn: nn.Module,
                     inputs: Any,
                     timesteps: Sequence[int],
                     schedule: Optional[Schedule] = None,
                     forward: Optional[Forward] = None,
                     chunk: int = 1,
                     evaluation_delay: Optional[int] = None,
                     horizon: Optional[int] = None
                     ) -> Iterator[Tuple[int, ReadOut]]:
    """Simulate ``snn`` on constant ``inputs``, yielding read-outs as reached.

    One loop of steps: the only state is the neurons' and one accumulator
    of the output, so memory does not grow with T. Layers fed directly by
    the constant input are computed once (:func:`cached_input_layers`); the
    rest of a sleep phase is skipped once a sleep step was silent
    (:class:`SilenceWatch`). A network with a :func:`latency` runs that
    many steps before the read-out starts accumulating; they count in the
    total steps. Every stateful module learns the run's length (``horizon``,
    :func:`~spikedet.neurons.stateful.set_horizon`) before the first step
    and is reset before it (and after the last), so batches never
    leak into each other.

    With ``chunk = K > 1``, up to K consecutive wake steps run as one
    forward call on the input repeated K times along the batch dimension
    (step-major): convolutions and the other per-sample layers compute all
    K steps in one batched call, every stateful module runs them one after
    the other (:func:`~spikedet.neurons.stateful.set_chunk`). The spikes
    and read-outs are those of single steps up to the rounding of batched
    kernels (bit-identical where the kernels are); memory grows with K, not
    T. A chunk never straddles a read-out or a sleep step. ``forward`` must
    then treat the batch dimension per sample (any stage whose layers do).

    Delayed evaluation: a network that carries an evaluation delay ``t0``
    (:class:`~spikedet.neurons.ReadoutDelay`, or ``evaluation_delay``)
    averages each read-out at T over the steps after ``t0`` only, or over
    the last few when T is short (:func:`window_start`); its total steps
    are still T. The running sum is copied once at each window's start, so
    memory stays flat in T.

    Args:
        snn: A converted network.
        inputs: The analog input, fed at every wake step (zeros in sleep).
        timesteps: Wake-step counts at which to read out.
        schedule: Plain (default) or wake-sleep.
        forward: ``forward(snn, inputs)`` runs one step; defaults to
            ``snn(inputs)``. Its output may be any nest of tensors.
        chunk: Wake steps per forward call. Defaults to 1.
        evaluation_delay: ``t0`` in wake steps; None (the default) takes
            the network's own (0 without one), 0 averages every step.
        horizon: The length of the run this simulation belongs to, for
            modules whose rule follows it; None (the default): the
            largest of ``timesteps``. A two-stage detector's box head,
            simulated per read-out, passes its stage 1's.

    Yields:
        ``(T, ReadOut)`` in increasing T.
    """
    wanted = check_timesteps(timesteps)
    chunk = check_chunk(chunk)
    schedule = build_schedule(schedule)
    forward = forward or _default_forward
    stack = _stacked(inputs, chunk) if chunk > 1 else inputs
    sleep_inputs = None
    acc = None
    span = step_span(snn)
    delay = latency(snn)
    t0 = readout_delay(snn) if evaluation_delay is None else evaluation_delay
    if t0 < 0:
        raise SimulationError(f'the evaluation delay must be >= 0, got {t0}')
    if t0 and has_sleep(schedule):
        raise SimulationError('delayed evaluation averages consecutive wake '
                              'steps; it does not apply to a wake-sleep '
                              'schedule (pass evaluation_delay=0)')
    starts = window_starts(wanted, t0)
    sums_at: Dict[int, Any] = {}  # the running sum after each window start
    silent = 0
    idle = False

    def readout(wake: int, total: int) -> ReadOut:
        start = window_start(wake, t0)
        if not start:
            return ReadOut(tree_map(lambda a: a / wake, acc), wake,
                           total * span, silent)
        averaged = wake - start
        return ReadOut(tree_map(lambda a, b: (a - b) / averaged, acc,
                                sums_at[start]),
                       wake, total * span, silent)

    def accumulate(out: Any, steps: int, first: int) -> None:
        # Step by step, in order, so a chunk sums as single steps do. Any
        # nest of tensors (YOLOv3: a tuple of per-level lists); torch's
        # pytree raises if the structure changes between steps.
        nonlocal acc
        for k in range(first, steps):
            current = out if steps == 1 else \
                tree_map(lambda t: split_steps(t, steps)[k], out)
            acc = tree_map(torch.clone, current) if acc is None else \
                tree_map(Tensor.add_, acc, current)

    reset_states(snn)
    set_horizon(snn, horizon or wanted[-1])
    try:
        with torch.no_grad(), cached_input_layers(snn, (inputs, stack)), \
                SilenceWatch(snn, has_sleep(schedule)) as watch, \
                ExitStack() as sleeping:
            asleep = False
            chunked = 1
            for group in _groups(schedule.steps(wanted[-1] + delay), delay,
                                 set(wanted) | starts, chunk):
                sleep, wake, total, due = group[-1]
                idle = idle and sleep
                if idle:  # the rest of this sleep phase repeats silence
                    silent += 1
                    if due and wake in wanted:
                        yield wake, readout(wake, total)
                    continue
                if sleep != asleep:
                    asleep = sleep
                    set_sleep(snn, sleep)
                    if sleep:
                        sleeping.enter_context(zeroed_constant_currents(snn))
                    else:
                        sleeping.close()
                if sleep and sleep_inputs is None:
                    sleep_inputs = tree_map(torch.zeros_like, inputs)
                steps = len(group)
                if steps != chunked:
                    chunked = steps
                    set_chunk(snn, steps)
                watch.arm(sleep)
                out = forward(snn, sleep_inputs if sleep else
                              inputs if steps == 1 else
                              _leading(stack, steps, chunk))
                idle = watch.silent(out)
                # The latency's steps are not averaged.
                first = sum(1 for step in group if step[1] <= 0)
                if first < steps:
                    accumulate(out, steps, first)
                if due and wake in starts:
                    sums_at[wake] = tree_map(torch.clone, acc)
                if due and wake in wanted:
                    yield wake, readout(wake, total)
    finally:
        set_sleep(snn, False)
        set_chunk(snn, 1)
        set_horizon(snn, None)
        reset_states(snn)


def simulate(snn: nn.Module,
             inputs: Any,
             timesteps: Sequence[int],
             schedule: Optional[Schedule] = None,
             forward: Optional[Forward] = None,
             chunk: int = 1,
             evaluation_delay: Optional[int] = None,
             horizon: Optional[int] = None) -> Dict[int, ReadOut]:
    """Simulate once and return ``{T: ReadOut}`` for every requested T.

    See :func:`iterate_readouts` for the arguments.
    """
    return dict(iterate_readouts(snn, inputs, timesteps, schedule, forward,
                                 chunk, evaluation_delay, horizon))
