"""Attention as an analog island.

Softmax attention multiplies two activations (queries by keys, weights by
values) and normalises by a sum: no synapse computes it. Made rate-exact
as any island (:mod:`.islands`): the ANN's own attention module runs on
the averages of its inputs at every wake step and the change of ``t``
times its output is emitted. Two module families, by class name:

- ``MultiheadAttention``: mmcv's (DETR, Conditional DETR: the positional
  encodings added, the projections, the softmax attention and the
  residual) and torch's own;
- ``MultiScaleDeformableAttention`` (mmcv; Deformable DETR, DINO): offsets
  and weights from the query, bilinear sampling of the value maps at the
  reference points.

Work per output element and wake step, in MAC equivalents: for softmax
attention with embedding ``E``, ``H`` heads, ``L`` queries and ``S`` keys,
the projections (``2 E + 2 S E / L``: query and output, key and value
spread over the queries), the two products (``2 S``) and the softmax
(``3 S H / E``); for deformable attention the softmax over ``H P Lv``
sampling points (``3 H P Lv / E``) and the bilinear sampling (``4 P Lv``),
its four linear layers being synaptic layers charged as analog MACs.
Masks, spatial shapes and other integer or boolean arguments pass
unchanged; floating-point ones (positional encodings, reference points)
are averaged like the signals, which leaves a constant as it is.
"""
from typing import Any, Dict, Optional, Sequence

from torch import Tensor, nn

#: Attention modules, by class name.
ATTENTION_MODULES = ('MultiheadAttention', 'MultiScaleDeformableAttention')

ATTENTION_REMEDY = ('attention multiplies two activations and normalises '
                    'them, which no synapse can; spiking hardware needs a '
                    'convolutional detector (YOLOX, RTMDet, Faster R-CNN)')


def _tokens(x: Tensor, batch_first: bool) -> int:
    return x.shape[1] if batch_first else x.shape[0]


def attention_work(module: nn.Module, args: Sequence[Any],
                   kwargs: Dict[str, Any]) -> float:
    """Analog work per output element of one call of an attention module
    (see the module docstring)."""
    query = args[0] if args else kwargs['query']
    batch_first = bool(getattr(module, 'batch_first', False))
    if type(module).__name__ == 'MultiScaleDeformableAttention':
        points = module.num_heads * module.num_levels * module.num_points
        return 3.0 * points / module.embed_dims + \
            4.0 * module.num_levels * module.num_points
    key = kwargs.get('key', args[1] if len(args) > 1 else None)
    key = query if key is None else key
    embed = getattr(module, 'embed_dims', None) or module.embed_dim
    heads = module.num_heads
    queries, keys = _tokens(query, batch_first), _tokens(key, batch_first)
    return 2.0 * embed + 2.0 * keys * embed / queries + 2.0 * keys + \
        3.0 * keys * heads / embed


class AttentionFunction(nn.Module):
    """An attention module as an island's ``f``: runs it and keeps the
    analog work per output element of the last call
    (:func:`attention_work`), which the island charges.

    Args:
        module: The ANN's attention module (a child: saved with the
            network).
    """

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.module = module
        self.last_work: Optional[float] = None

    def forward(self, *args, **kwargs):
        self.last_work = attention_work(self.module, args, kwargs)
        return self.module(*args, **kwargs)
