"""CASC's quantized clip-floor activation for quantization-aware ANNs."""
from typing import Union

import torch
from torch import Tensor, nn


def channel_view(scale: Union[float, Tensor], x: Tensor) -> Union[float,
                                                                 Tensor]:
    """``scale`` broadcastable against ``x``: a per-channel ``[C]`` tensor
    is laid along dim 1 (``[N, C, ...]``) on ``x``'s device; a float or
    0-dim tensor is returned as it is."""
    if not isinstance(scale, Tensor) or scale.dim() == 0:
        return scale
    return scale.to(x.device).view(1, -1, *([1] * (x.dim() - 2)))


class _FloorSTE(torch.autograd.Function):
    """floor(x * L + shift) / L with a straight-through gradient."""

    @staticmethod
    def forward(ctx, x: Tensor, levels: int, shift: float) -> Tensor:
        return torch.floor(x * levels + shift) / levels

    @staticmethod
    def backward(ctx, grad: Tensor):
        # As in the authors' code: hardtanh of the upstream gradient.
        return torch.clamp(grad, -1, 1), None, None


class ClipFloor(nn.Module):
    """``ClipQuan_L(x) = top * floor(clamp(x / top, 0, 1) * L) / L`` (CASC).

    With ``top = 1`` (the default) this is the paper's ClipQuan (§1.2 of
    the spec): the clamp is an ordinary autograd op (no gradient outside the
    range), only the floor is straight-through, passing the upstream
    gradient clipped to ``[-1, 1]``, as in the authors' ``ClipQuan``
    (src/clipquantization.py of Brain-Cog-Lab/casc). A straight-through
    gradient over the clamp as well let clipped units keep receiving
    gradient; on our ResNet-18 that collapsed fine-tuning to a constant.

    ``top`` is our variant for fine-tuning a trained ANN rather than
    training from scratch: a per-site clip top, calibrated on training data
    (:func:`spikedet.conversion.calibrate_clip_tops`, the 99.9th percentile
    of the site's positive activations) and optionally learnt, its gradient
    flowing through ``x / top`` and the final scale (as in PACT / QCFS).
    CASC fixes the top at 1 and lets 200 epochs from scratch adapt the
    weights; a ReLU6 / LeakyReLU detector fine-tuned for a few epochs does
    not recover from a fixed ``[0, 1]`` range (measured: YOLOv3 mAP@0.5
    0.82 -> 0.34 after 24 epochs). Outputs lie in ``{0, top/L, ..., top}``;
    the consistent IF neuron that replaces the site uses threshold ``top``
    and, driven for ``L`` wake steps, reproduces it exactly.

    ``channel_wise`` (our variant, for L = 4) gives each channel (dim 1) its
    own top, as channel-wise threshold balancing does for IF neurons: with
    4 levels one top per site leaves most channels a level or two of a
    range set by the widest channel (measured on the L = 8 YOLOv3 put at
    L = 4 without training: mAP@0.5 0.436 with a recalibrated top per site,
    0.663 with a top per channel). The top starts as one value and becomes
    ``[C]`` when :meth:`set_channels` is called (``quantize_activations``
    does it for every channel-wise site from a forward pass); the spiking
    neuron then takes the ``[C]`` tops as its channel-wise thresholds and
    stays exact.

    Args:
        levels: L, the number of quantisation levels. Defaults to 8.
        top: Initial clip top. Defaults to 1.0.
        learn_top: Make ``top`` a trainable parameter (else a buffer).
            Defaults to False.
        shift: ``s`` in ``floor(u * L + s)``: 0 is CASC's floor, 0.5 rounds
            to the nearest level (QCFS's shift, our variant); a CIF neuron
            starting at membrane ``s * top`` reproduces it. Defaults to 0.
        channel_wise: One top per channel (see above). Defaults to False.

    Attributes:
        rounding: When False the site only clips (``clamp(x, 0, top)``):
            a diagnostic switch, set by :func:`spikedet.conversion.
            without_rounding`, telling the levels' error from the clip's.
    """

    rounding: bool = True

    def __init__(self, levels: int = 8, top: float = 1.0,
                 learn_top: bool = False, shift: float = 0.0,
                 channel_wise: bool = False) -> None:
        super().__init__()
        if levels < 1:
            raise ValueError('levels must be >= 1')
        if not top > 0:
            raise ValueError('the clip top must be > 0')
        if not 0 <= shift < 1:
            raise ValueError('shift must be in [0, 1)')
        self.levels = int(levels)
        self.shift = float(shift)
        self.channel_wise = bool(channel_wise)
        value = torch.tensor(float(top))
        if learn_top:
            self.top = nn.Parameter(value)
        else:
            self.register_buffer('top', value)

    def set_channels(self, channels: int) -> None:
        """Give a channel-wise clip-floor ``channels`` tops, each the
        current one (its first, when resized again). The parameter object
        stays the same, so an optimizer built on it keeps tracking it."""
        if not self.channel_wise:
            raise ValueError('set_channels is for channel-wise clip-floors')
        if self.top.dim() == 1 and self.top.numel() == channels:
            return
        first = self.top.detach().reshape(-1)[0]
        self.top.data = first.expand(channels).clone()

    def forward(self, x: Tensor) -> Tensor:
        # x / 1 and 1 * y are exact, so top = 1 is the paper's ClipQuan.
        top = channel_view(self.top.clamp_min(1e-4), x)
        if not self.rounding:
            return top * torch.clamp(x / top, 0, 1)
        return top * _FloorSTE.apply(torch.clamp(x / top, 0, 1), self.levels,
                                     self.shift)

    def extra_repr(self) -> str:
        return (f'levels={self.levels}, top={describe_top(self.top)}, '
                f'shift={self.shift:g}')


def describe_top(top: Union[float, Tensor]) -> str:
    """A top for printing: its value, or the range of per-channel ones."""
    top = torch.as_tensor(top).detach()
    if top.dim() == 0:
        return f'{float(top):.4g}'
    return f'[{top.numel()}] {float(top.min()):.4g}..{float(top.max()):.4g}'


class SignedClipFloor(nn.Module):
    """CASC's clip-floor for identity sites: both signs, a top per sign.

    Our extension for spike-driven networks, where a synaptic layer reads
    another's output with no activation in between (an FPN's lateral
    output, a linear bottleneck): the quantization-aware ANN quantizes
    that signed value as the spiking network will code it::

        y = top * floor(clamp(x / top, 0, 1) * L + s) / L             (x >= 0)
        y = -neg_top * floor(clamp(-x / neg_top, 0, 1) * L + s) / L   (x < 0)

    The rounding works on ``|x|`` (symmetric about 0), so a
    :class:`~spikedet.neurons.SignedConsistentIFNeuron` with thresholds
    ``top`` / ``neg_top`` and the same ``s`` reproduces it exactly at ``L``
    wake steps. Gradients as :class:`ClipFloor` (clamp exact, floor
    straight-through; tops learnt through the scales when ``learn_top``).

    Args:
        levels: L. Defaults to 8.
        top: Initial positive top. Defaults to 1.0.
        neg_top: Initial negative top. Defaults to 1.0.
        learn_top: Trainable tops. Defaults to False.
        shift: ``s`` in ``[0, 1)``. Defaults to 0.
        channel_wise: Tops per channel, for both signs. Defaults to False.
    """

    def __init__(self, levels: int = 8, top: float = 1.0,
                 neg_top: float = 1.0, learn_top: bool = False,
                 shift: float = 0.0, channel_wise: bool = False) -> None:
        super().__init__()
        self.positive = ClipFloor(levels, top, learn_top, shift, channel_wise)
        self.negative = ClipFloor(levels, neg_top, learn_top, shift,
                                  channel_wise)

    @property
    def levels(self) -> int:
        return self.positive.levels

    @property
    def shift(self) -> float:
        return self.positive.shift

    def forward(self, x: Tensor) -> Tensor:
        return self.positive(x) - self.negative(-x)

    def extra_repr(self) -> str:
        return (f'levels={self.levels}, '
                f'top={describe_top(self.positive.top)}, '
                f'neg_top={describe_top(self.negative.top)}, '
                f'shift={self.shift:g}')
