"""CASC's quantized clip-floor activation for quantization-aware ANNs."""
import torch
from torch import Tensor, nn


class _FloorSTE(torch.autograd.Function):
    """floor(x * L) / L with a straight-through gradient."""

    @staticmethod
    def forward(ctx, x: Tensor, levels: int) -> Tensor:
        return torch.floor(x * levels) / levels

    @staticmethod
    def backward(ctx, grad: Tensor):
        # As in the authors' code: hardtanh of the upstream gradient.
        return torch.clamp(grad, -1, 1), None


class ClipFloor(nn.Module):
    """``ClipQuan_L(x) = floor(clamp(x, 0, 1) * L) / L`` (CASC, §1.2).

    The clamp is an ordinary autograd op (no gradient outside ``[0, 1]``);
    only the floor is straight-through, passing the upstream gradient clipped
    to ``[-1, 1]``. This is the authors' ``ClipQuan`` (src/clipquantization.py
    of Brain-Cog-Lab/casc). A straight-through gradient over the clamp as
    well lets clipped units keep receiving gradient; on our ResNet-18 that
    collapsed fine-tuning to a constant output.

    Outputs lie in ``{0, 1/L, ..., 1}``; the clip top is fixed at 1, so the
    consistent IF neuron that replaces it uses threshold 1 and needs no data
    normalisation. A CIF neuron driven for ``T = L`` wake steps reproduces it
    exactly.

    Args:
        levels: L, the number of quantisation levels. Defaults to 8.
    """

    def __init__(self, levels: int = 8) -> None:
        super().__init__()
        if levels < 1:
            raise ValueError('levels must be >= 1')
        self.levels = int(levels)

    def forward(self, x: Tensor) -> Tensor:
        return _FloorSTE.apply(torch.clamp(x, 0, 1), self.levels)

    def extra_repr(self) -> str:
        return f'levels={self.levels}'
