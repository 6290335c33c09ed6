"""Switch a quantization-aware network's rounding off, region by region."""
from contextlib import contextmanager
from typing import Iterator, List

from torch import nn

from .clip_floor import ClipFloor


@contextmanager
def without_rounding(model: nn.Module, where: str = '') -> Iterator[List[str]]:
    """Within the block, every :class:`ClipFloor` of ``model`` whose module
    path contains ``where`` only clips (no levels).

    A diagnostic for a quantization-aware ANN that falls short of its float
    ANN: comparing its accuracy with and without the rounding (in all of it
    or in one part, ``'backbone'``, ``'neck.'``, a single site) tells how
    much the ``L`` levels cost against the clipping and the changed
    functions, which only fine-tuning recovers. The signed clip-floors'
    halves count as clip-floors (``'...positive'``, ``'...negative'``).

    Args:
        model: A network holding clip-floors (e.g. a ``QuantizedModel``).
        where: A substring of the module paths to affect; ``''`` is all.

    Yields:
        The paths of the clip-floors switched off (empty if none matched).
    """
    switched = [(name, module) for name, module in model.named_modules()
                if isinstance(module, ClipFloor) and where in name]
    before = [module.rounding for _, module in switched]
    for _, module in switched:
        module.rounding = False
    try:
        yield [name for name, _ in switched]
    finally:
        for (_, module), value in zip(switched, before):
            module.rounding = value
