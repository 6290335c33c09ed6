"""One-Spike's per-layer code: base, threshold shift, negative scale and
the bias correction of the layers it feeds."""
from typing import Any, Callable, Dict, List, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..neurons.one_spike_neuron import (OneSpikeNeuron, base_candidates,
                                        shift_candidates)
from .._hooks import probe_run
from .observers import ActivationObserver

MAX_SPATIAL = 32  # sampled rows / columns per map and batch when scoring
MAX_ROWS = 2048   # sampled positions (rows of [positions, C]) per layer
Run = Callable[[], Any]


def _subsample(x: Tensor) -> Tensor:
    """Every k-th row and column of a feature map, at most MAX_SPATIAL
    each (bounded cost on detector maps); other tensors unchanged."""
    if x.dim() != 4:
        return x
    sh = max(1, x.shape[2] // MAX_SPATIAL)
    sw = max(1, x.shape[3] // MAX_SPATIAL)
    return x[:, :, ::sh, ::sw]


class _Captured(Exception):
    """Ends a capture pass once the neuron of interest has run."""


def _structure(net: nn.Module, run: Run
               ) -> Tuple[List[str], Dict[str, int], Dict[str, List[nn.Module]]]:
    """One pass: the neurons in call order, how often each is called per
    forward (a shared head runs once per pyramid level), and the synaptic
    layers that read each neuron's output directly. None of it depends on
    the codes chosen later."""
    order: List[str] = []
    calls: Dict[str, int] = {}
    outputs: List[Tuple[str, Tensor]] = []
    readers: Dict[str, List[nn.Module]] = {}

    def neuron(name):
        def hook(module, args, out):
            if name not in calls:
                order.append(name)
            calls[name] = calls.get(name, 0) + 1
            outputs.append((name, out))
        return hook

    def synapse(module, args, out):
        for name, o in outputs:
            found = readers.setdefault(name, [])
            if args[0] is o and module not in found:
                found.append(module)

    hooks = {m: neuron(n) for n, m in net.named_modules()
             if isinstance(m, OneSpikeNeuron)}
    hooks.update({m: synapse for m in net.modules()
                  if isinstance(m, (nn.Conv2d, nn.Linear))})
    probe_run(net, hooks, run)
    return order, calls, readers


def _weight_energy(net: nn.Module, run: Run) -> Dict[str, Tensor]:
    """Per neuron, the squared weights its output elements reach in the
    synaptic layers that read them (through linear routing): the weight of
    each element's coding error in the next layers' pre-activation error,
    when errors are uncorrelated. Measured as a gradient: every neuron
    emits a ones tensor that requires grad, every synaptic layer sums its
    output with squared weights."""
    probes: Dict[str, Tensor] = {}
    sums: List[Tensor] = []

    def emit(name):
        def hook(module, args, out):
            probes[name] = torch.ones_like(out, requires_grad=True)
            return probes[name]
        return hook

    def synapse(module, args, out):
        x = args[0]
        if x.requires_grad:
            w2 = module.weight.detach() ** 2
            if isinstance(module, nn.Linear):
                sums.append(F.linear(x, w2).sum())
            else:
                sums.append(F.conv2d(x, w2, None, module.stride,
                                     module.padding, module.dilation,
                                     module.groups).sum())
        return out.detach()

    def run_and_sum():
        run()
        if sums:
            torch.stack(sums).sum().backward()

    hooks = {m: emit(n) for n, m in net.named_modules()
             if isinstance(m, OneSpikeNeuron)}
    hooks.update({m: synapse for m in net.modules()
                  if isinstance(m, (nn.Conv2d, nn.Linear))})
    probe_run(net, hooks, run_and_sum, grad=True)
    return {n: (p.grad if p.grad is not None else torch.zeros_like(p))
            for n, p in probes.items()}


def _captured(net: nn.Module, neuron: OneSpikeNeuron, calls: int,
              runs: Sequence[Run]) -> Tensor:
    """The neuron's ANN activations over every batch (subsampled). Each
    pass stops after the neuron's last call of the forward: the layers
    behind it cannot change its input."""
    inputs: List[Tensor] = []

    def capture(module, args, out):
        inputs.append(_subsample(args[0]))
        if len(inputs) % calls == 0:
            raise _Captured

    for run in runs:
        try:
            probe_run(net, {neuron: capture}, run)
        except _Captured:
            pass
    return neuron.activation(_rows(torch.cat(_flat(inputs))))


def _rows(x: Tensor) -> Tensor:
    """At most MAX_ROWS rows, evenly spread over all batches' positions
    (the same rows for activations and weight energies)."""
    step = max(1, -(-x.shape[0] // MAX_ROWS))
    return x[::step]


def _flat(maps: List[Tensor]) -> List[Tensor]:
    """Maps of different spatial sizes as ``[N x positions, C]`` rows."""
    return [m.transpose(0, 1).reshape(m.shape[1], -1).t() if m.dim() > 2
            else m for m in maps]


def _negative_scale(neuron: OneSpikeNeuron, a: Tensor,
                    opts: Dict[str, Any]) -> None:
    """A signed (LeakyReLU) neuron's negative side gets a scale of its
    own: the same percentile of the negative magnitudes as the positive
    threshold's (its first spikes would otherwise sit on the positive
    scale, about ten times too coarse, and vanish)."""
    observer = ActivationObserver(percentile=opts['percentile'],
                                  channel_wise=neuron.threshold.numel() > 1)
    observer.update((-a).clamp_min(0))
    if float(observer.maximum.max()) > 0:
        neuron.neg_threshold.copy_(observer.threshold().to(
            neuron.neg_threshold))


def _errors(neuron: OneSpikeNeuron, a: Tensor, g: Tensor, base: float,
            shift: float) -> Tuple[float, Tensor]:
    """Weighted coding error of ``(base, shift)`` with its per-channel mean
    removed (that part is corrected in the next layers' biases), and the
    per-channel mean error."""
    neuron.base.fill_(base)
    neuron.shift.fill_(shift)
    delta = neuron.emit(neuron.levels(a), a) - a
    mean = delta.mean(0)
    return float((g * (delta - mean) ** 2).sum()), mean


def _correct_biases(readers: List[nn.Module], mean: Tensor) -> bool:
    """Subtract ``W mean`` from each direct reader's bias, so the next
    layer's pre-activation error has zero mean per channel. Returns False
    when a reader's shape does not allow it (nothing is changed then)."""
    updates = []
    for layer in readers:
        if isinstance(layer, nn.Linear):
            if layer.in_features != mean.numel():
                return False
            shift = layer.weight.detach() @ mean
        else:
            if layer.in_channels != mean.numel():
                return False
            k = [d * (s - 1) + 1 for d, s in zip(layer.dilation,
                                                  layer.kernel_size)]
            patch = mean.view(1, -1, 1, 1).expand(1, mean.numel(), *k)
            shift = F.conv2d(patch, layer.weight.detach(), None, 1, 0,
                             layer.dilation, layer.groups).flatten()
        updates.append((layer, shift))
    for layer, shift in updates:
        if layer.bias is None:
            layer.bias = nn.Parameter(torch.zeros_like(shift))
        with torch.no_grad():
            layer.bias.sub_(shift)
    return True


def select_bases(net: nn.Module, runs: Sequence[Run],
                 opts: Dict[str, Any]) -> Dict[str, Tuple[float, float]]:
    """Choose each One-Spike layer's code, greedily in call order.

    For each layer, with every upstream layer already coded (its choices
    fixed and its readers' biases corrected), on the layer's ANN
    activations over all calibration batches (subsampled spatially):

    1. a signed layer's negative scale: the percentile of the negative
       magnitudes (``opts['percentile']``);
    2. base (``linspace(1.1, 2.0, 10)``) and shift (arithmetic and
       geometric midpoints, 0.5..1.0): the pair that minimises the next
       layers' pre-activation error, the coding error of each element
       weighted by the squared weights it reaches (spec §2.2's better
       criterion; errors taken as uncorrelated), with the per-channel mean
       error removed;
    3. that mean error, per channel, is subtracted through the weights from
       the biases of the synaptic layers reading the layer directly (the
       standard post-training-quantization bias correction); a layer read
       through routing (addition, concatenation) keeps its bias.

    Ties keep the first (smaller base).

    Returns:
        ``{layer name: (base, shift)}``.
    """
    modules = dict(net.named_modules())
    chosen: Dict[str, Tuple[float, float]] = {}
    energy = [_weight_energy(net, run) for run in runs]
    order, calls, readers = _structure(net, runs[0])
    for name in order:
        neuron = modules[name]
        a = _captured(net, neuron, calls[name], runs)
        g = _rows(torch.cat(_flat([_subsample(e[name]) for e in energy])))
        if neuron.alpha is not None and neuron.neg_threshold is not None:
            _negative_scale(neuron, a, opts)
        best = None
        for base in base_candidates().tolist():
            for shift in shift_candidates(base):
                err, mean = _errors(neuron, a, g, base, shift)
                if best is None or err < best[0]:
                    best = (err, base, shift, mean)
        _, base, shift, mean = best
        neuron.base.fill_(base)
        neuron.shift.fill_(shift)
        _correct_biases(readers.get(name, []), mean)
        chosen[name] = (base, shift)
    return chosen
