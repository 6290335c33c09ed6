"""Calibrate the clip tops of a quantization-aware ANN on training data."""
from typing import Any, Callable, Dict, Iterable, Optional, Sequence

import torch
from torch import nn

from ..neurons.stateful import opaque_hook
from .clip_floor import ClipFloor
from .errors import ConversionError
from .observers import ActivationObserver


@torch.no_grad()
def calibrate_clip_tops(model: nn.Module, batches: Iterable[Any],
                        forward: Callable[[nn.Module, Any], object],
                        percentile: float = 99.9,
                        include: Optional[Sequence[str]] = None
                        ) -> Dict[str, torch.Tensor]:
    """Set every :class:`ClipFloor`'s top to a percentile of its input.

    While observing, each clip-floor passes ``relu(x)`` on (its output is
    replaced by a forward hook), so every site sees the activations of the
    network *before* quantization, as a conversion's threshold calibration
    would; then each top is set to the ``percentile`` of that site's
    positive values (zeros excluded), in place: one value per site, or
    one per channel for a channel-wise clip-floor (sized already, see
    :func:`spikedet.conversion.quantize_activations`).

    Args:
        model: A model with clip-floor sites (eval mode is used and
            restored).
        batches: Training batches.
        forward: ``forward(model, batch)`` runs one batch.
        percentile: In (0, 100]. Defaults to 99.9.
        include: Calibrate only the clip-floors whose module path contains
            one of these strings (e.g. ``['spikedet_input']``: the signed
            clip-floors of identity sites, new when a quantized checkpoint
            is fine-tuned spike-driven); the others keep their tops and
            quantize as usual while observing. Defaults to None (all).

    Returns:
        ``{module name: top}`` of the sites the batches reached (a copy of
        the new top, 0-dim or ``[C]``; the others keep their top).

    Raises:
        ConversionError: ``model`` has no clip-floor, or ``batches`` is empty.
    """
    clips = {name: m for name, m in model.named_modules()
             if isinstance(m, ClipFloor) and
             (include is None or any(p in name for p in include))}
    if not clips:
        raise ConversionError('the model has no ClipFloor activation to '
                              'calibrate' + ('' if include is None else
                                             f' matching {list(include)}'))
    observers = {name: ActivationObserver('percentile', percentile,
                                          channel_wise=m.top.dim() == 1)
                 for name, m in clips.items()}

    def passthrough(name: str):
        def hook(module, args, output):
            positive = args[0].clamp_min(0)
            observers[name].update(positive)
            return positive
        return hook

    handles = [m.register_forward_hook(opaque_hook(passthrough(name)))
               for name, m in clips.items()]
    was_training = model.training
    model.eval()
    seen = 0
    try:
        for batch in batches:
            forward(model, batch)
            seen += 1
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    if seen == 0:
        raise ConversionError('the calibration set is empty: clip-top '
                              'calibration needs at least one batch')
    tops = {}
    for name, module in clips.items():
        if observers[name].batches == 0:
            continue  # never reached: keeps its top
        top = observers[name].threshold().to(module.top)
        module.top.data.copy_(top.reshape(module.top.shape))
        tops[name] = module.top.detach().clone()
    return tops
