"""CASC's quantized clip-floor activation for quantization-aware ANNs."""
import torch
from torch import Tensor, nn


class _ClipFloorSTE(torch.autograd.Function):
    """floor(clamp(x, 0, 1) * L) / L with a straight-through gradient."""

    @staticmethod
    def forward(ctx, x: Tensor, levels: int) -> Tensor:
        return torch.floor(torch.clamp(x, 0, 1) * levels) / levels

    @staticmethod
    def backward(ctx, grad: Tensor):
        # The authors' code passes hardtanh(grad): the upstream gradient
        # clipped to [-1, 1], with no mask on the clipped region.
        return torch.clamp(grad, -1, 1), None


class ClipFloor(nn.Module):
    """``ClipQuan_L(x) = floor(clamp(x, 0, 1) * L) / L`` (CASC, §1.2).

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
        return _ClipFloorSTE.apply(x, self.levels)

    def extra_repr(self) -> str:
        return f'levels={self.levels}'
