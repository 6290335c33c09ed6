"""Build any model with CASC's clip-floor activations (quantization-aware)."""
from typing import Dict, Sequence

import torch
from mmengine.model import BaseModel

from ..conversion.quantize import quantize_activations
from ..registry import MODELS
from .detectors.stages import (BoxStage, DenseStage, ProposalStage,
                               random_roi_features)


def quantize_detector(detector: BaseModel, levels: int,
                      input_size: Sequence[int],
                      learn_top: bool = False,
                      shift: float = 0.0,
                      spike_driven: bool = True,
                      channel_wise: bool = False,
                      keep_functions: bool = False,
                      signed_functions: bool = True) -> BaseModel:
    """Replace every activation site of an mmdet detector by a clip-floor.

    The sites are traced through the parts that run per image (backbone,
    neck, dense or RPN head, RoI box head) on random inputs, so functional
    and shared activations are found too. Parameters are untouched: a plain
    checkpoint of the detector loads into the result.

    Args:
        detector: A single- or two-stage mmdet detector (modified in place).
        levels: Clip-floor levels L.
        input_size: ``(H, W)`` of the random tracing input.
        learn_top, shift, spike_driven, channel_wise, keep_functions,
        signed_functions: See
            :func:`spikedet.conversion.quantize_activations` (the box head
            reads the neck's analog output: its first layer's input is an
            identity site).

    Returns:
        ``detector``.
    """
    image = torch.randn(2, 3, *input_size)
    options = dict(channel_wise=channel_wise, keep_functions=keep_functions,
                   signed_functions=signed_functions)
    if hasattr(detector, 'rpn_head') and hasattr(detector, 'roi_head'):
        stage = ProposalStage(detector)
        quantize_activations(stage, lambda: stage(image), levels, learn_top,
                             shift, spike_driven, **options)
        box = BoxStage(detector.roi_head)
        rois = random_roi_features(detector.roi_head, 4)
        quantize_activations(box, lambda: box(rois), levels, learn_top,
                             shift, spike_driven, analog_inputs=True,
                             **options)
    else:
        stage = DenseStage(detector)
        quantize_activations(stage, lambda: stage(image), levels, learn_top,
                             shift, spike_driven, **options)
    return detector


@MODELS.register_module()
def QuantizedModel(model: Dict, levels: int = 8, learn_top: bool = False,
                   shift: float = 0.0,
                   input_size: Sequence[int] = (64, 64),
                   spike_driven: bool = True,
                   channel_wise: bool = False,
                   keep_functions: bool = False,
                   signed_functions: bool = True) -> BaseModel:
    """Config builder: ``dict(type='QuantizedModel', model=..., levels=8)``
    builds ``model`` and makes it quantization-aware
    (:func:`quantize_detector`). The result is the detector itself, with its
    own type and state-dict keys plus one ``top`` per clip-floor (two per
    signed clip-floor at an identity site; ``spike_driven=False`` puts
    none there; ``channel_wise=True`` makes each top a ``[C]`` vector;
    ``keep_functions=True`` quantizes a SiLU's or sigmoid's output instead
    of replacing the function, ``signed_functions=False`` dropping a
    SiLU's negative tail))."""
    return quantize_detector(MODELS.build(model), levels, input_size,
                             learn_top, shift, spike_driven, channel_wise,
                             keep_functions, signed_functions)
