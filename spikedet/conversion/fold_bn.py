"""Fold BatchNorm into the preceding convolution or linear layer."""
from typing import Callable, Dict, List, Tuple

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_leaves

from .site_rewrite import set_submodule

_PRODUCERS = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear)
_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def find_conv_bn_pairs(model: nn.Module,
                       forward: Callable[[], object]) -> List[Tuple[str, str]]:
    """Pairs ``(producer path, norm path)`` where the norm reads the
    producer's output tensor directly, found by running ``forward()`` once.

    Data flow, not names or containers: it finds mmcv's ``ConvModule``,
    torchvision's ``conv1``/``bn1`` attributes and ``nn.Sequential`` alike.
    Folding changes the producer's output, so it needs the producer's
    output to feed nothing but the norm: every torch call that computes
    from it (not a ``size()``, a shape or another call whose result holds
    no tensor) is counted, and a producer read by anything besides its
    norm is left alone, as is a norm or producer called more than once
    (an unfolded eval-mode BatchNorm is affine, hence still exact).

    Args:
        model: The network.
        forward: Runs the network on one batch.

    Returns:
        The pairs, in call order.
    """
    names = {m: n for n, m in model.named_modules()}
    outputs: Dict[int, Tuple[str, Tensor]] = {}
    pairs: List[Tuple[str, str]] = []
    calls: Dict[str, int] = {}
    reads: Dict[str, int] = {}  # producer -> calls computing from its output
    handles = []

    def on_producer(module, args, out):
        calls[names[module]] = calls.get(names[module], 0) + 1
        outputs[id(out)] = (names[module], out)  # keep `out` alive: ids stay unique

    def on_norm(module, args):
        calls[names[module]] = calls.get(names[module], 0) + 1
        found = outputs.get(id(args[0]))
        if found is not None and found[1] is args[0]:
            pairs.append((found[0], names[module]))

    for module in names:
        if isinstance(module, _PRODUCERS):
            handles.append(module.register_forward_hook(on_producer))
        elif isinstance(module, _NORMS):
            handles.append(module.register_forward_pre_hook(on_norm))
    try:
        with torch.no_grad(), _Readers(outputs, reads):
            forward()
    finally:
        for handle in handles:
            handle.remove()
    return [(p, n) for p, n in pairs
            if calls[p] == 1 and calls[n] == 1 and reads.get(p) == 1]


class _Readers(TorchFunctionMode):
    """Counts, per producer, the torch calls that compute a tensor from
    its recorded output (the norm's ``batch_norm`` is one)."""

    def __init__(self, outputs: Dict[int, Tuple[str, Tensor]],
                 reads: Dict[str, int]) -> None:
        super().__init__()
        self.outputs, self.reads = outputs, reads

    def __torch_function__(self, func, types, args=(), kwargs=None):
        result = func(*args, **(kwargs or {}))
        if self.outputs and any(isinstance(x, Tensor)
                                for x in tree_leaves(result)):
            for leaf in tree_leaves((args, kwargs)):
                found = self.outputs.get(id(leaf)) \
                    if isinstance(leaf, Tensor) else None
                if found is not None and found[1] is leaf:
                    self.reads[found[0]] = self.reads.get(found[0], 0) + 1
        return result


@torch.no_grad()
def fold_into(producer: nn.Module, norm: nn.modules.batchnorm._BatchNorm) -> None:
    """``producer <- norm(producer(.))`` in eval mode, in place.

    ``W' = W * g / sqrt(var + eps)`` per output channel and
    ``b' = (b - mean) * g / sqrt(var + eps) + beta``; grouped and depthwise
    convolutions need nothing special since the scale is per output channel.
    """
    weight = producer.weight
    scale = norm.weight if norm.affine else torch.ones_like(norm.running_var)
    shift = norm.bias if norm.affine else torch.zeros_like(norm.running_var)
    factor = scale / torch.sqrt(norm.running_var + norm.eps)
    bias = producer.bias if producer.bias is not None else \
        torch.zeros_like(norm.running_mean)
    weight.mul_(factor.view(-1, *([1] * (weight.dim() - 1))))
    new_bias = (bias - norm.running_mean) * factor + shift
    if producer.bias is None:
        producer.bias = nn.Parameter(new_bias.to(weight.dtype))
    else:
        producer.bias.copy_(new_bias)


def fold_batchnorm(model: nn.Module, forward: Callable[[], object]) -> int:
    """Fold every foldable BatchNorm of ``model`` (in place, eval mode).

    Args:
        model: The network; must be in eval mode.
        forward: Runs the network on one batch.

    Returns:
        The number of norms folded (each is replaced by ``nn.Identity``).
    """
    pairs = find_conv_bn_pairs(model, forward)
    for producer_path, norm_path in pairs:
        fold_into(model.get_submodule(producer_path),
                  model.get_submodule(norm_path))
        set_submodule(model, norm_path, nn.Identity())
    return len(pairs)
