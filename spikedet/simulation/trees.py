"""Element-wise arithmetic over nested outputs (tensors in tuples/lists/dicts).

Detectors return nested structures (YOLOv3: a tuple of per-level lists); the
simulator accumulates and scales them without caring about the nesting.
"""
from typing import Any, Callable, List

from torch import Tensor


def tree_map(fn: Callable[[Tensor], Tensor], tree: Any) -> Any:
    """Apply ``fn`` to every tensor leaf of ``tree``."""
    if isinstance(tree, Tensor):
        return fn(tree)
    if isinstance(tree, (list, tuple)):
        mapped = [tree_map(fn, item) for item in tree]
        return type(tree)(mapped) if isinstance(tree, list) else tuple(mapped)
    if isinstance(tree, dict):
        return {k: tree_map(fn, v) for k, v in tree.items()}
    raise TypeError(f'cannot accumulate a {type(tree).__name__} output')


def tree_add_(acc: Any, tree: Any) -> Any:
    """``acc += tree`` leaf by leaf (in place on ``acc``'s tensors)."""
    if isinstance(acc, Tensor):
        return acc.add_(tree)
    if isinstance(acc, (list, tuple)):
        if len(acc) != len(tree):
            raise ValueError('output structure changed between timesteps')
        summed = [tree_add_(a, b) for a, b in zip(acc, tree)]
        return summed if isinstance(acc, list) else tuple(summed)
    if isinstance(acc, dict):
        return {k: tree_add_(acc[k], tree[k]) for k in acc}
    raise TypeError(f'cannot accumulate a {type(acc).__name__} output')


def tree_leaves(tree: Any) -> List[Tensor]:
    """The tensor leaves of ``tree``, in order."""
    leaves: List[Tensor] = []
    tree_map(lambda t: leaves.append(t) or t, tree)
    return leaves
