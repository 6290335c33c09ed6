"""Where a tensor's values come from: spikes, analog currents or the input.

While the converter traces a network, every tensor computed inside it is
tagged with its *source*:

* ``SPIKE``: the output of an activation site (which becomes a neuron), or
  linear routing of such outputs (addition, concatenation, up-sampling,
  average pooling, reshapes);
* ``ANALOG``: the output of a synaptic layer (conv, linear, transposed
  conv) or anything computed from one by linear routing; in a rate-coded
  SNN this is a current, not a spike train;
* untagged: the network's input and constants (weights, anchors).

A synaptic layer whose input is ``ANALOG`` would multiply-accumulate real
values at every step; a spike-driven network puts a signed neuron there
(an *identity site*). Tags are plain tensor attributes (as the spiking
depths' are), set by the tracer only.
"""
from typing import Any, Optional

from torch import Tensor
from torch.utils._pytree import tree_flatten

SPIKE = 'spike'
ANALOG = 'analog'
_ATTR = '_spikedet_source'



def source(value: Any) -> Optional[str]:
    """The combined source of the tensors in ``value``: ``ANALOG`` if any
    is analog, else ``SPIKE`` if any is a spike, else None."""
    found = None
    for leaf in tree_flatten(value)[0]:
        if isinstance(leaf, Tensor):
            tag = getattr(leaf, _ATTR, None)
            if tag == ANALOG:
                return ANALOG
            found = found or tag
    return found


def mark(value: Any, tag: Optional[str]) -> None:
    """Tag every tensor in ``value`` (no-op for ``tag=None``)."""
    if tag is None:
        return
    for leaf in tree_flatten(value)[0]:
        if isinstance(leaf, Tensor):
            setattr(leaf, _ATTR, tag)
