"""Count the torch calls that read each tensor during one forward pass."""
from typing import Dict

from torch import Tensor
from torch.utils._pytree import tree_flatten

from .depth import DepthMode


class ReadCounter(DepthMode):
    """A :class:`DepthMode` (outputs tagged with their inputs' largest
    depth) that also counts, per tensor (by ``id``), the torch calls that
    read it, metadata queries aside. Keep the tensors alive while reading
    the counts: an ``id`` is only unique among live objects."""

    METADATA = {'size', 'dim', 'numel', '__get__', 'stride', 'is_contiguous',
                'element_size', 'data_ptr', 'storage_offset'}

    def __init__(self) -> None:
        super().__init__()
        self.reads: Dict[int, int] = {}

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, '__name__', '') not in self.METADATA:
            for leaf in tree_flatten((args, kwargs or {}))[0]:
                if isinstance(leaf, Tensor):
                    self.reads[id(leaf)] = self.reads.get(id(leaf), 0) + 1
        return super().__torch_function__(func, types, args, kwargs)
