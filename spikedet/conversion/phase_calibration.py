"""One-Spike's per-layer base and threshold-shift selection."""
from typing import Any, Callable, Dict, List, Tuple

from torch import Tensor, nn

from ..neurons.one_spike_neuron import (OneSpikeNeuron, base_candidates,
                                        shift_candidates)
from ..neurons.probe import probe_run

MAX_SPATIAL = 32  # sampled rows / columns per map when scoring a layer


def _call_order(net: nn.Module, run: Callable[[], Any]) -> List[str]:
    order: List[str] = []
    probe_run(net, {m: lambda mod, a, o, n=n: order.append(n)
                    if n not in order else None
                    for n, m in net.named_modules()
                    if isinstance(m, OneSpikeNeuron)}, run)
    return order


def _captured_input(net: nn.Module, neuron: nn.Module,
                    run: Callable[[], Any]) -> Tensor:
    seen: List[Tensor] = []
    probe_run(net, {neuron: lambda m, args, out: seen.append(args[0])}, run)
    x = seen[0]
    if x.dim() == 4:  # bounded cost on detector feature maps
        sh = max(1, x.shape[2] // MAX_SPATIAL)
        sw = max(1, x.shape[3] // MAX_SPATIAL)
        x = x[:, :, ::sh, ::sw]
    return x


def _score(neuron: OneSpikeNeuron, a: Tensor, base: float,
           shift: float) -> float:
    neuron.base.fill_(base)
    neuron.shift.fill_(shift)
    approx = neuron.emit(neuron.levels(a), a)
    return float(((a - approx) ** 2).mean())


def select_bases(net: nn.Module, run: Callable[[], Any]
                 ) -> Dict[str, Tuple[float, float]]:
    """Choose ``(B_l, s_l)`` per One-Spike layer, greedily in call order.

    For each layer, with every upstream layer already quantized, the
    layer's ANN activations on the calibration batch ``run`` feeds are
    coded with every candidate base (``linspace(1.1, 2.0, 10)``) and shift
    (arithmetic and geometric midpoints, 0.5..1.0); the pair with the
    smallest mean squared coding error is kept (algorithms_others.md §2.2,
    the spec's [R] selection rule). Ties keep the first (smaller base).

    Returns:
        ``{layer name: (base, shift)}``.
    """
    modules = dict(net.named_modules())
    chosen: Dict[str, Tuple[float, float]] = {}
    for name in _call_order(net, run):
        neuron = modules[name]
        a = neuron.activation(_captured_input(net, neuron, run))
        best = None
        for base in base_candidates().tolist():
            for shift in shift_candidates(base):
                err = _score(neuron, a, base, shift)
                if best is None or err < best[0]:
                    best = (err, base, shift)
        _, base, shift = best
        neuron.base.fill_(base)
        neuron.shift.fill_(shift)
        chosen[name] = (base, shift)
    return chosen
