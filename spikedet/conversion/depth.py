"""Spiking depth of every neuron of a converted network, by one probe step
(and its weighted form: the longest path of per-neuron delays)."""
from typing import Any, Callable, Dict, Optional, Union

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten

from ..neurons import BaseNeuron
from .._hooks import probe_run

_TAG = '_spikedet_depth'


Number = Union[int, float]


def depth_of(value: Any) -> Number:
    """The largest depth tag among the tensors in ``value`` (0: none)."""
    leaves, _ = tree_flatten(value)
    return max((getattr(t, _TAG, 0) for t in leaves
                if isinstance(t, Tensor)), default=0)


def tag_depth(value: Any, depth: Number) -> None:
    """Tag every tensor in ``value`` with ``depth``."""
    leaves, _ = tree_flatten(value)
    for t in leaves:
        if isinstance(t, Tensor):
            setattr(t, _TAG, depth)


class DepthMode(TorchFunctionMode):
    """Every torch call's outputs get the largest depth of its inputs."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        depth = max(depth_of(args), depth_of(kwargs))
        if depth:
            tag_depth(out, depth)
        return out


@torch.no_grad()
def spiking_depths(net: nn.Module, run: Callable[[], Any],
                   weight: Optional[Callable[[nn.Module], Number]] = None
                   ) -> Dict[str, Number]:
    """The depth of every neuron module: its weight (1 by default) + the
    largest depth among the neurons its input current comes from (0 for
    the analog input).

    ``run`` runs ``net`` once; linear layers, pools, additions and
    concatenations pass depth through, each neuron adds its weight.
    Parameters (weights, biases) have depth 0. Neuron states are reset
    afterwards. With ``weight(neuron)`` a delay in steps, the depth is the
    longest path of delays from the input (a pipeline's fill time).

    Returns:
        ``{module name: depth}``; a neuron called at several depths (not
        produced by the converter, which gives every call site its own
        neuron) keeps the largest.
    """
    depths: Dict[str, Number] = {}
    weight = weight or (lambda module: 1)

    def hook(name):
        def after(module, args, out):
            depth = depth_of(args) + weight(module)
            depths[name] = max(depths.get(name, 0), depth)
            tag_depth(out, depth)
        return after

    def run_tagged():
        with DepthMode():
            run()

    probe_run(net, {m: hook(n) for n, m in net.named_modules()
                    if isinstance(m, BaseNeuron)}, run_tagged)
    return depths
