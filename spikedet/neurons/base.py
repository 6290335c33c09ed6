"""BaseNeuron: the machinery every spiking neuron shares."""
from typing import Optional, Union

import torch
from torch import Tensor, nn

from .stateful import StatefulModule, opaque, set_plain, split_steps


class BaseNeuron(StatefulModule):
    """A single-step spiking neuron layer.

    A subclass implements only :meth:`fire`: charge the membrane with the
    input current, decide the (signed, integer-valued) spike tensor, reset.
    This base owns the rest:

    * ``threshold``: a buffer, scalar or one value per channel (so it is saved
      in the state dict and follows ``.to()``);
    * the membrane ``v``: a plain attribute, ``None`` after :meth:`reset`,
      created lazily with the first input's shape, dtype and device, at
      ``v_init`` times the threshold;
    * the emitted value ``spikes * threshold``, so the next layer's weights
      stay those of the ANN; a signed neuron of an identity site may have a
      ``neg_threshold`` of its own, the amplitude of its negative spikes
      (:meth:`theta_neg`, :meth:`emit`);
    * an optional ``spike_filter`` submodule applied to the spikes before
      they are emitted and counted (e.g. :class:`SpikeCalibration`);
    * in-place stepping: a subclass updates its own state tensors in place
      (they are created per input by :meth:`init_state` and never shared)
      and may hand the emitted value it computed anyway (the reset's
      ``spikes * threshold``) to :meth:`remember_value`, so the step
      makes no second pass for it; thresholds are broadcast once per
      input, not per step;
    * ``last_spikes``: the step's integer spikes (a reference, no copy),
      which :class:`~spikedet.simulation.SpikeMonitor` counts (a
      multi-valued spike counts as its coefficient, see
      ``spike_value_is_count``). A kernel that skips writing them (the
      fused steps) leaves them to :meth:`spikes_of` the emitted value,
      derived when first read: read them in a forward hook of the neuron
      (as the monitor does) or before anything changes its output in place;
    * ``overwrite_input``: set at conversion where the neuron replaced an
      in-place activation (``nn.ReLU(inplace=True)``, mmcv's default):
      its input is then its own, and a kernel may write the emitted value
      over it instead of into a fresh tensor;
    * chunked calls (``chunk`` steps stacked along the batch dimension,
      :func:`~spikedet.neurons.stateful.set_chunk`): :meth:`forward` runs
      :meth:`step` on each in order.

    Args:
        threshold: Firing threshold, a float or a 1-D tensor with one value
            per channel. Defaults to 1.0.
        v_init: Initial membrane as a fraction of the threshold (0 or 0.5 in
            the literature). Defaults to 0.0.
        channel_dim: Dimension a per-channel threshold runs along.
            Defaults to 1 (``[N, C, ...]``).
        neg_threshold: Amplitude of negative spikes (same shape rules as
            ``threshold``); None (the default) uses ``threshold``.
    """

    emits_spikes = True
    # |spikes| is a spike count (burst, augmented, signed spikes); False
    # for neurons whose one spike carries a real-valued level.
    spike_value_is_count = True
    # Membrane-only state: a silent zero-input step changes nothing (see
    # StatefulModule); a spike filter is a module of its own and says so.
    silent_is_fixed_point = True
    # The input of a step is the neuron's own to overwrite (see above).
    overwrite_input = False

    def __init__(self,
                 threshold: Union[float, Tensor] = 1.0,
                 v_init: float = 0.0,
                 channel_dim: int = 1,
                 neg_threshold: Union[float, Tensor, None] = None) -> None:
        super().__init__()
        self.register_buffer('threshold', _check_threshold(threshold))
        # A None buffer is not saved: only signed identity neurons carry it.
        self.register_buffer('neg_threshold', None if neg_threshold is None
                             else _check_threshold(neg_threshold))
        self.v_init = float(v_init)
        self.channel_dim = channel_dim
        self.spike_filter: Optional[nn.Module] = None
        self.v: Optional[Tensor] = None
        self._broadcasts: dict = {}
        self._fired: Optional[tuple] = None
        self._spikes_from: Optional[Tensor] = None
        self.reset()

    def _broadcast(self, theta: Tensor, x: Tensor) -> Tensor:
        theta = theta.to(device=x.device, dtype=x.dtype)
        if theta.dim() == 0:
            return theta
        shape = [1] * x.dim()
        shape[self.channel_dim] = theta.numel()
        return theta.view(shape)

    def _cached(self, name: str, x: Tensor) -> Tensor:
        """Buffer ``name`` broadcast against ``x``, computed once while the
        buffer, ``x``'s rank, dtype and device stay the same (a view:
        in-place changes of the buffer show through)."""
        source = getattr(self, name)
        entry = self._broadcasts.get(name)
        if entry is not None and entry[0] is source and \
                entry[1].dim() in (0, x.dim()) and \
                entry[1].dtype == x.dtype and entry[1].device == x.device:
            return entry[1]
        value = self._broadcast(source, x)
        if value.dtype == source.dtype and value.device == source.device:
            self._broadcasts[name] = (source, value)  # a view, never stale
        return value

    def theta(self, x: Tensor) -> Tensor:
        """The threshold, broadcastable against ``x`` in ``x``'s dtype."""
        return self._cached('threshold', x)

    def theta_neg(self, x: Tensor) -> Tensor:
        """Amplitude of a negative spike (``neg_threshold``, else the
        threshold), broadcastable against ``x``."""
        if self.neg_threshold is None:
            return self.theta(x)
        return self._cached('neg_threshold', x)

    def remember_value(self, spikes: Optional[Tensor],
                       value: Tensor) -> None:
        """Record, inside :meth:`fire`, that ``value`` is what
        :meth:`emit` would return for ``spikes``; the step then emits it
        without recomputing (unless a spike filter replaced the spikes).
        ``spikes`` None: the kernel did not write them, :meth:`fire`
        returns None and :meth:`spikes_of` ``value`` gives them when
        needed."""
        set_plain(self, _fired=(spikes, value))

    def spikes_of(self, value: Tensor) -> Tensor:
        """The integer spikes whose emitted value is ``value`` (the
        inverse of :meth:`emit`: ``value / threshold`` rounded, which is
        exact for spike counts far below 2^22), for a neuron whose
        :meth:`fire` may return None (its kernel skipped them)."""
        if self.neg_threshold is None:
            return torch.div(value, self.theta(value)).round_()
        return torch.where(value > 0, value / self.theta(value),
                           value / self.theta_neg(value)).round_()

    def emit(self, spikes: Tensor, x: Tensor) -> Tensor:
        """The emitted value of integer ``spikes``: ``spikes * threshold``,
        negative spikes at ``neg_threshold`` when the neuron has one."""
        if self.neg_threshold is None:
            return spikes * self.theta(x)
        return torch.where(spikes > 0, spikes * self.theta(x),
                           spikes * self.theta_neg(x))

    def init_state(self, x: Tensor) -> None:
        """Create the membrane for input ``x``; subclasses add their state."""
        self.v = torch.zeros_like(x) + self.v_init * self.theta(x)

    def fire(self, x: Tensor) -> Tensor:
        """Charge with ``x``, fire and reset; return the integer spikes."""
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        """One timestep, or :attr:`chunk` consecutive ones stacked along
        the batch dimension: return ``spikes * threshold``."""
        if self.chunk == 1:
            return self.step(x)
        steps = split_steps(x, self.chunk)
        out = torch.empty_like(steps)
        parts = []
        for k, current in enumerate(steps):
            out[k] = self.step(current)
            # Read now: the next step replaces what they derive from.
            parts.append(self.last_spikes)
        # Joined only if statistics read them.
        self._spike_parts = parts
        return out.flatten(0, 1)

    @property
    def last_spikes(self) -> Optional[Tensor]:
        """The integer spikes of the last call: one step's, or a chunk's
        steps stacked as its input was."""
        if self._spikes_from is not None:
            set_plain(self, _last_spikes=self.spikes_of(self._spikes_from),
                      _spikes_from=None)
        if self._spike_parts:
            self._last_spikes = torch.cat(self._spike_parts)
            self._spike_parts = None
        return self._last_spikes

    @last_spikes.setter
    def last_spikes(self, spikes: Optional[Tensor]) -> None:
        set_plain(self, _last_spikes=spikes, _spike_parts=None,
                  _spikes_from=None)

    def step(self, x: Tensor) -> Tensor:
        """One timestep: return ``spikes * threshold``."""
        with opaque():
            if self.v is None:
                self.init_state(x)
            set_plain(self, _fired=None)
            spikes = self.fire(x)
            fired = self._fired
            if spikes is None:  # the kernel wrote the value only
                if self.spike_filter is None:
                    set_plain(self, _fired=None, _last_spikes=None,
                              _spike_parts=None, _spikes_from=fired[1])
                    return fired[1]
                spikes = self.spikes_of(fired[1])
                fired = (spikes, fired[1])
            if self.spike_filter is not None:
                spikes = self.spike_filter(spikes)
        # The step's integer spikes, for statistics (a reference, no copy).
        set_plain(self, _fired=None, _last_spikes=spikes, _spike_parts=None,
                  _spikes_from=None)
        if fired is not None and fired[0] is spikes:
            return fired[1]
        return self.emit(spikes, x)

    def reset(self) -> None:
        """Drop the state of the current input."""
        self.v = None
        self.last_spikes = None
        if getattr(self, 'spike_filter', None) is not None:
            self.spike_filter.reset()

    def extra_repr(self) -> str:
        t = self.threshold
        if t.dim() == 0:
            theta = f'{float(t):.4g}'
        else:
            theta = f'[{float(t.min()):.4g}..{float(t.max()):.4g}] x{t.numel()}'
        text = f'threshold={theta}, v_init={self.v_init}'
        if self.neg_threshold is not None:
            n = self.neg_threshold
            text += (f', neg_threshold=[{float(n.min()):.4g}..'
                     f'{float(n.max()):.4g}]')
        return text


def _check_threshold(value: Union[float, Tensor]) -> Tensor:
    threshold = torch.as_tensor(value, dtype=torch.float32).clone()
    if threshold.dim() > 1:
        raise ValueError('threshold must be a scalar or 1-D per channel, '
                         f'got shape {tuple(threshold.shape)}')
    if (threshold <= 0).any():
        raise ValueError('thresholds must be positive')
    return threshold
