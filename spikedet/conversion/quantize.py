"""ANN-side pass: replace every activation site by CASC's clip-floor."""
from typing import Callable

import torch
from torch import nn

from .clip_floor import ClipFloor, SignedClipFloor
from .elementwise import AnnFunction, is_max_pooling
from .site_rewrite import install_sites
from .sites import Site, trace_sites


def quantize_activations(model: nn.Module, forward: Callable[[], object],
                         levels: int = 8, learn_top: bool = False,
                         shift: float = 0.0, spike_driven: bool = True,
                         analog_inputs: bool = False,
                         channel_wise: bool = False,
                         keep_functions: bool = False,
                         signed_functions: bool = True) -> nn.Module:
    """Make ``model`` quantization-aware for CASC, in place.

    Every activation call site (ReLU, ReLU6, LeakyReLU, the element-wise
    ones such as SiLU; functional or shared) becomes its own
    :class:`ClipFloor` with ``levels`` levels (analog islands, such as
    GroupNorm, stay as they are), so the ANN can be fine-tuned for it
    (straight-through gradient) and then converted with consistent IF
    neurons and wake-sleep, exactly.
    Max-pool sites are left as max-pools. With ``spike_driven`` every
    identity site (a synaptic layer reading analog values: the input, an
    addition's or an island's output, see
    :func:`spikedet.conversion.convert`; not a former SiLU's, now a
    clip-floor) gets a :class:`SignedClipFloor` at
    its input, which the converter turns into a signed consistent IF
    neuron: the spike-driven SNN stays exact at ``L`` wake steps.

    Args:
        model: The ANN (modified in place and returned).
        forward: Runs ``model`` on one example batch (any input size).
        levels: L, quantisation levels. Defaults to 8.
        learn_top: Trainable clip tops (see :class:`ClipFloor`; calibrate
            them with :func:`calibrate_clip_tops`). Defaults to False (the
            paper's fixed top 1).
        shift: Rounding shift of the levels (see :class:`ClipFloor`).
            Defaults to 0 (the paper's floor).
        spike_driven: Signed clip-floors at the identity sites. Defaults
            to True.
        analog_inputs: The model's inputs are analog currents of an
            upstream stage (see :func:`spikedet.conversion.convert`).
            Defaults to False.
        channel_wise: A clip top per channel (see :class:`ClipFloor`),
            sized from one more run of ``forward``. Defaults to False.
        keep_functions: An element-wise function that is not a rectifier
            (SiLU, hard sigmoid, GELU, ...) keeps its shape: the site
            becomes ``clip_floor(f(x))`` (:class:`QuantizedFunction`; a
            signed clip-floor where ``f`` takes negative values), converted
            to ``f`` made rate-exact followed by a consistent IF neuron,
            exact at ``L`` wake steps like any clip-floor. Without it (the
            default, CASC's own recipe) ``f`` is replaced by the clip-floor,
            a ReLU-shaped function: measured on the shapes RTMDet-tiny
            (SiLU and a hard-sigmoid gate; tops calibrated, no fine-tuning;
            2026-12-07) val mAP@0.5 0.000 at L = 4, 16 and 64, where a
            signed clip-floor after each SiLU gives 0.337 at L = 4 and
            0.891 at L = 64 (the float ANN: 0.907; the gate's hard sigmoid
            left float in that measurement). The spiking network is exact
            up to float rounding: an element whose ``f(x)`` lies within
            rounding of a level boundary may land one level off, as it may
            between two float precisions of the quantized ANN itself (the
            shapes RTMDet-tiny after one fine-tuning round, first 16 val
            images at batch size 1: mAP@0.5 0.798 in float32, 0.776 in
            float64, its SNN 0.780; 2026-12-07).
        signed_functions: With ``keep_functions``, whether a function
            that takes negative values keeps them (a signed clip-floor with
            its own negative top; the default) or loses them (a clip-floor
            of ``f``'s output). The negative side costs spikes: a SiLU's
            tail (down to -0.28) gets a top of about 0.3, so most neurons
            with a negative input fire one to ``L`` negative spikes; on the
            shapes RTMDet-tiny at L = 4 that is 2-4x the spikes per site
            and E / E_ANN 1.60 at T = 4 after a 10-epoch fine-tune (val
            mAP@0.5 0.839); without them the same fine-tune gives 0.505
            (0.774), a second round 0.415 (0.871; 2026-12-07)
            and a third 0.394 (0.917; 2026-12-08).

    Returns:
        ``model``.
    """
    was_training = model.training
    model.eval()
    try:
        table = trace_sites(model, forward, spike_driven=spike_driven,
                            analog_inputs=analog_inputs,
                            elementwise_neurons=True)
    finally:
        model.train(was_training)

    def make(site: Site) -> nn.Module:
        if site.is_pool:
            return nn.MaxPool2d(*site.pool_args)
        if site.spec.kind == 'island':  # kept: normalisations, softmaxes
            fn = site.spec.params['fn']
            return AnnFunction(fn, site.spec) \
                if not isinstance(fn, nn.Module) else \
                model.get_submodule(site.owner)
        if site.is_identity:
            return SignedClipFloor(levels, learn_top=learn_top, shift=shift,
                                   channel_wise=channel_wise)
        if site.spec.kind == 'elementwise' and \
                is_max_pooling(site.spec.params['op']):
            # Kept; its readers get a signed site, as conversion gives
            # them a signed neuron after the rate-exact pool.
            return AnnFunction(site.spec.params['fn'], site.spec)
        clip = ClipFloor(levels, learn_top=learn_top, shift=shift,
                         channel_wise=channel_wise)
        if keep_functions and site.spec.kind == 'elementwise':
            fn = site.spec.params['fn']
            if signed_functions and takes_negative_values(fn):
                clip = SignedClipFloor(levels, learn_top=learn_top,
                                       shift=shift, channel_wise=channel_wise)
            return QuantizedFunction(AnnFunction(fn, site.spec), clip)
        return clip

    install_sites(model, table, make)
    if channel_wise:
        size_channel_tops(model, forward)
    return model


class QuantizedFunction(nn.Module):
    """``clip(f(x))``: an element-wise function whose output is quantized.

    Traced again for conversion, ``f`` (an :class:`AnnFunction` carrying
    its site) is a rate-exact element-wise site and ``clip`` a neuron site
    reading it, so the spiking network computes ``f`` of each neuron's
    average input and the consistent IF neuron after it emits exactly
    ``clip``'s levels at ``L`` wake steps.

    Args:
        fn: The ANN's function at the site.
        clip: A :class:`ClipFloor` or :class:`SignedClipFloor`.
    """

    def __init__(self, fn: nn.Module, clip: nn.Module) -> None:
        super().__init__()
        self.fn = fn
        self.clip = clip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.clip(self.fn(x))


@torch.no_grad()
def takes_negative_values(fn) -> bool:
    """Whether the element-wise ``fn`` is negative anywhere on [-8, 8]
    (SiLU, GELU, hard-swish: yes; sigmoid, hard sigmoid, softplus: no).
    A function that cannot take a 1-d probe (a PReLU with a slope per
    channel) counts as signed."""
    probe = torch.linspace(-8.0, 8.0, 1601)
    try:
        return bool((fn(probe) < 0).any())
    except (RuntimeError, ValueError):
        return True


@torch.no_grad()
def size_channel_tops(model: nn.Module, forward: Callable[[], object]) -> None:
    """Give every channel-wise :class:`ClipFloor` of ``model`` one top per
    channel (dim 1) of the input it receives in ``forward()``."""
    def size(module: ClipFloor, args) -> None:
        module.set_channels(args[0].shape[1])

    handles = [m.register_forward_pre_hook(size) for m in model.modules()
               if isinstance(m, ClipFloor) and m.channel_wise]
    was_training = model.training
    model.eval()
    try:
        forward()
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
