"""Spike statistics of a simulation: events, SOPs, analog MACs."""
import dataclasses
from typing import Any, Callable, Dict, List

import torch
from torch import Tensor, nn
from torch.utils._pytree import tree_leaves, tree_map

from ..conversion.ops import SYNAPTIC_MODULES, apply_activation
from .._hooks import probe_run
from ..neurons.stateful import StatefulModule, opaque, opaque_hook
from .counts import AnnLayer, LayerCounts, Snapshot
from .synapses import count_synapses, layer_macs


class SpikeMonitor:
    """Counts what a spiking network does while it is simulated.

    For every spike-emitting layer (neurons and spiking max-pools) it counts
    events, spikes and synaptic operations (SOPs): each output element's
    ``|coefficient|`` (the emitted value over the neuron's threshold)
    times its fan-out, the number of non-zero weights it reaches in the
    next synaptic layers (``Conv2d`` / ``Linear``) through the linear
    routing in between (upsampling, concatenation, addition, RoI pooling is
    not in a spiking stage). Fan-outs are measured, not derived from layer
    shapes: :meth:`probe` runs one step in which every emitting layer
    outputs a ones tensor that requires grad and every synaptic layer sums
    the inputs each output reads; the gradient is the per-element fan-out,
    correct at borders. A synaptic layer whose input comes from no emitting
    layer (the image, another synaptic layer's output, as in an FPN's
    lateral + output convs, or a rate-exact function's) computes on
    analog values: its
    multiply-accumulates are charged as MACs on every step whose input is
    not all zero. An analog island (a normalisation or softmax made
    rate-exact, :class:`~spikedet.neurons.CompensatedOp` with
    ``analog_work``) is charged its work at every wake step, and once in
    the ANN's MACs. Each spiking layer's neuron updates are counted too,
    and the probe records per synaptic layer and island what one ANN pass
    computes, reads and writes (:class:`AnnLayer`), for the energy model
    (:func:`~spikedet.simulation.energy_bill`).

    A spiking max-pool is a layer of its own; the neurons feeding it get no
    SOPs for it (pooling is no synapse), and its events count 1 each.

    Usage::

        monitor = SpikeMonitor(snn)
        monitor.probe(lambda: snn(x))   # once per input shape
        with monitor:                    # counts every step run inside
            ... simulate ...
            snap = monitor.snapshot()

    Args:
        net: The converted network.
    """

    def __init__(self, net: nn.Module) -> None:
        self.net = net
        self.producers = {n: m for n, m in net.named_modules()
                          if isinstance(m, StatefulModule) and m.emits_spikes}
        self.synapses = {n: m for n, m in net.named_modules()
                         if isinstance(m, SYNAPTIC_MODULES)}
        self.islands = {n: m for n, m in net.named_modules()
                        if getattr(m, 'analog_work', 0)}
        self.fanout: Dict[str, Tensor] = {}
        self.inactive: Dict[str, Tensor] = {}
        self.analog: Dict[str, int] = {}
        self.analog_rows: Dict[str, int] = {}
        self.ann_macs = 0.0
        self.layer_macs: Dict[str, float] = {}
        self.ann_layers: Dict[str, AnnLayer] = {}
        self.counts: Dict[str, LayerCounts] = {}
        self.sin_net: Dict[str, Tensor] = {}
        self.charged: Dict[str, Tensor] = {}
        self._handles: List[Any] = []

    # -- structure ---------------------------------------------------------
    def probe(self, run: Callable[[], Any]) -> None:
        """Measure fan-outs and MACs with one step of ``run`` (which must
        run ``net`` once on the input to be simulated), and find the
        inactive neurons with one ANN pass; states are reset afterwards."""
        self._probe_ann(run)
        self._probe_fanout(run)

    def _probe_ann(self, run: Callable[[], Any]) -> None:
        """Run the network as its ANN (every neuron computes the site's
        activation, recorded at conversion) and mark, per neuron of a
        rectifying site, the inactivated elements: those whose ANN
        activation is 0 (pre-activation <= 0 for ReLU, below the first
        level for a clip-floor)."""
        inactive: Dict[str, Tensor] = {}

        def analog(name):
            def hook(module, args, out):
                spec = module.ann_activation
                with opaque():  # not a call site of the owner's forward
                    value = apply_activation(spec, args[0])
                if spec.rectifying:
                    inactive[name] = (value == 0).to(value.dtype)
                return value
            return hook

        probe_run(self.net, {m: analog(n) for n, m in self.producers.items()
                             if m.ann_activation is not None}, run)
        self.inactive = inactive

    def _probe_fanout(self, run: Callable[[], Any]) -> None:
        probes: Dict[str, Tensor] = {}
        counted: List[Tensor] = []
        analog: Dict[str, int] = {}
        ann: Dict[str, AnnLayer] = {}

        def record(name: str, cost: float, weights: int, x, out) -> None:
            layer = ann.setdefault(name, AnnLayer(weights=weights))
            layer.macs += cost
            layer.inputs += sum(t.numel() for t in tree_leaves(x)
                                if isinstance(t, Tensor))
            layer.outputs += _elements(out)
            layer.calls += 1

        def emit(name):
            def hook(module, args, out):
                probe = torch.ones_like(out, requires_grad=True)
                probes[name] = probe
                return probe
            return hook

        def synapse(name):
            def hook(module, args, out):
                x = args[0]
                cost = layer_macs(module, x, out)
                record(name, cost, module.weight.numel(), x, out)
                if x.requires_grad:
                    counted.append(count_synapses(module, x))
                else:
                    analog[name] = analog.get(name, 0) + cost
                    self.analog_rows[name] = x.shape[0]
                return out.detach()
            return hook

        def run_and_count():
            run()
            if counted:
                torch.stack(counted).sum().backward()

        islands = {m: n for n, m in self.islands.items()}

        def analog_out(module, args, out):
            if module in islands:  # the ANN computes it once too
                record(islands[module], module.analog_work * _elements(out),
                       0, args, out)
            # No spike: the reader computes on it.
            return tree_map(lambda y: y.detach() if isinstance(y, Tensor)
                            else y, out)

        hooks = {m: analog_out for m in self.net.modules()
                 if isinstance(m, StatefulModule) and m.analog_output}
        hooks.update({m: emit(n) for n, m in self.producers.items()})
        hooks.update({m: synapse(n) for n, m in self.synapses.items()})
        probe_run(self.net, hooks, run_and_count, grad=True)
        self.fanout = {n: (p.grad if p.grad is not None
                           else torch.zeros_like(p)).detach()
                       for n, p in probes.items()}
        self.analog = analog
        self.layer_macs = {name: layer.macs for name, layer in ann.items()}
        self.ann_macs = float(sum(self.layer_macs.values()))
        self.ann_layers = ann

    def macs_under(self, prefix: str) -> float:
        """ANN MACs (one forward) of the synaptic layers under ``prefix``."""
        return float(sum(v for n, v in self.layer_macs.items()
                         if n.startswith(prefix)))

    # -- counting ----------------------------------------------------------
    def _count(self, name: str):
        # Per step and layer: a few reductions over the output, accumulated
        # as 0-dim tensors (no host sync; snapshot() converts).
        # A chunked call (module.chunk steps stacked along the batch
        # dimension) counts as that many steps.
        def hook(module, args, out):
            fanout = self.fanout.get(name)
            steps = module.chunk
            if fanout is None or \
                    (steps * fanout.shape[0],) + fanout.shape[1:] != out.shape:
                raise RuntimeError(f'{name}: output shape {tuple(out.shape)} '
                                   'was not probed; call probe() first')
            spikes = getattr(module, 'last_spikes', None)
            if module.spike_value_is_count and spikes is not None:
                signed = spikes
            else:
                signed = torch.sign(out)
            coef = signed.abs().reshape(steps, -1)
            c = self.counts.setdefault(name, LayerCounts())
            c.events = c.events + torch.count_nonzero(coef)
            c.spikes = c.spikes + coef.sum()
            c.sops = c.sops + (torch.dot(coef[0], fanout.reshape(-1))
                               if steps == 1 else
                               torch.mv(coef, fanout.reshape(-1)).sum())
            c.neuron_steps += out.numel()
            c.steps += steps
            mask = self.inactive.get(name)
            if mask is not None and mask.shape == fanout.shape:
                net = self.sin_net.get(name)
                if net is None:
                    net = self.sin_net[name] = torch.zeros_like(mask)
                if steps > 1:  # a chunk's steps summed (no pass at 1)
                    signed = signed.reshape(steps, *mask.shape).sum(0)
                net.addcmul_(signed, mask)
        return hook

    def _charge(self, name: str):
        # A 0-dim tensor sum: no host sync per step (snapshot() converts).
        # A chunked call (its batch a multiple of the probed one) is charged
        # per step it carries.
        def hook(module, args, out):
            if name in self.analog:
                steps = args[0].shape[0] // self.analog_rows[name]
                active = args[0].ne(0).any().to(torch.float64)
                self.charged[name] = self.charged.get(name, 0.0) + \
                    active * (steps * self.analog[name])
        return hook

    def _charge_island(self, name: str):
        # Its analog work at every wake step (a sleep step brings no new
        # average to compute on).
        def hook(module, args, out):
            if not module.sleep:
                self.charged[name] = self.charged.get(name, 0.0) + \
                    float(module.analog_work * _elements(out))
        return hook

    def clear(self) -> None:
        """Zero the counters (the probed structure is kept)."""
        self.counts = {}
        self.sin_net = {}
        self.charged = {}

    def __enter__(self) -> 'SpikeMonitor':
        self.clear()
        hooks = [(m, self._count(n)) for n, m in self.producers.items()]
        hooks += [(m, self._charge(n)) for n, m in self.synapses.items()]
        hooks += [(m, self._charge_island(n))
                  for n, m in self.islands.items()]
        self._handles = [m.register_forward_hook(opaque_hook(h))
                         for m, h in hooks]
        return self

    def __exit__(self, *exc) -> None:
        for h in self._handles:
            h.remove()
        self._handles = []

    def snapshot(self, idle_steps: int = 0) -> Snapshot:
        """A copy of the counts so far, as floats.

        Args:
            idle_steps: Steps the simulator skipped as silent
                (:attr:`ReadOut.silent_steps`): no event, no SOP, no MAC,
                but they count as neuron-steps of every layer, so firing
                rates keep the simulated time as denominator.
        """
        layers = {}
        for name, c in self.counts.items():
            per_step = c.neuron_steps / c.steps if c.steps else 0.0
            net = self.sin_net.get(name)
            sin = float(net.clamp(min=0).sum()) if net is not None else 0.0
            layers[name] = LayerCounts(
                float(c.events), float(c.spikes), float(c.sops),
                c.neuron_steps + per_step * idle_steps, c.steps + idle_steps,
                sin, float(c.neuron_steps))
        analog = {name: float(v) for name, v in self.charged.items()}
        ann = {name: dataclasses.replace(layer)
               for name, layer in self.ann_layers.items()}
        return Snapshot(layers, sum(analog.values()), self.ann_macs, analog,
                        ann)


def _elements(out) -> int:
    """Output elements of an island: its first output's (attention's
    output, not its weights)."""
    return tree_leaves(out)[0].numel()
