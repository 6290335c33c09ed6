"""The IF baselines: rate-coded integrate-and-fire neurons with calibrated
thresholds (algorithms_others.md §6.0), burst spikes, and Spiking-YOLO's
signed neuron with imbalanced threshold at LeakyReLU sites."""
from typing import Any, Dict, Optional

from torch import Tensor, nn

from ...neurons import DoubleThresholdNeuron, IFNeuron, SignedIFNeuron
from .base import Method, Preset, clip_cap, site_threshold, spiking_pool
from .registry import register_method


def build_if(site, threshold: Optional[Tensor],
             opts: Dict[str, Any]) -> nn.Module:
    """ReLU: IF with the calibrated threshold. ReLU6 / Hardtanh: the same
    (calibrated on clipped outputs, so the threshold never exceeds the clip
    and the one-spike-per-step ceiling is the clip). LeakyReLU: Spiking-
    YOLO's signed IBT neuron (a burst of up to ``max_spikes`` of either
    sign per step, see :func:`signed_if`). Clip-floor (quantized ANN): IF
    with the clip top as threshold. Max-pool: a spiking max-pool."""
    if site.is_pool:
        return spiking_pool(site)
    threshold = site_threshold(site, threshold)
    if site.spec.kind == 'leaky_relu':
        return signed_if(threshold, None, site.spec.params['slope'], opts)
    return IFNeuron(threshold, reset=opts['reset'], v_init=opts['v_init'],
                    max_spikes=clip_cap(site, threshold, opts['max_spikes']))


def signed_if(pos: Tensor, neg: Optional[Tensor], alpha: float,
              opts: Dict[str, Any]) -> nn.Module:
    """The signed IF neuron of a LeakyReLU (``alpha`` its slope) or
    identity site (``alpha = 1``, ``neg`` the negative scale).

    One spike per step: :class:`SignedIFNeuron`. Bursts (``max_spikes >
    1``, reset by subtraction): the ungated double-threshold neuron with
    the same thresholds, which fires up to ``max_spikes`` spikes of one
    sign per step and equals the signed IF neuron at one. The bursts go to
    every site, not only the rectifying ones: the signed sites carry a
    detector's residual streams and its LeakyReLU neck, and at one spike
    per step they clip every value above their threshold, and the
    ``burst`` network was slower than plain IF (YOLOv3 MobileNetV2, first
    12 val images, 2026-12-07: mAP@0.5 at T = 32 / 64 0.253 / 0.588 with
    one spike per step at the signed sites, 0.386 / 0.675 with bursts
    there, ``if_channel`` 0.288 / 0.643).
    """
    cap = opts['max_spikes']
    if cap == 1 or opts['reset'] != 'subtract':
        return SignedIFNeuron(pos, alpha=alpha, v_init=opts['v_init'],
                              reset=opts['reset'], neg_threshold=neg)
    return DoubleThresholdNeuron(pos, c_max=cap, gate=False, alpha=alpha,
                                 v_init=opts['v_init'], neg_threshold=neg)


def identity_if(site, pos: Tensor, neg: Tensor,
                opts: Dict[str, Any]) -> nn.Module:
    """Identity sites: a symmetric signed IF neuron (reset by subtraction,
    or to zero with ``reset='zero'``), a threshold per sign, bursts as at
    the LeakyReLU sites (:func:`signed_if`)."""
    return signed_if(pos, neg, 1.0, opts)


IF = register_method(Method(
    'if', build_if, identity_if,
    # The spec's defaults: reset by subtraction, initial membrane theta / 2
    # (the count rounds instead of flooring, so the per-layer quantization
    # error has zero mean), one spike per step.
    dict(reset='subtract', v_init=0.5, max_spikes=1),
    presets=dict(
        if_channel=Preset(dict(channel_wise=True),
                          doc='channel-wise 99.9 % thresholds (the reference '
                          'IF of every comparison)'),
        if_max=Preset(dict(threshold='max'),
                      doc='layer-wise maximum thresholds (Diehl et al.)'),
        if_reset_zero=Preset(dict(channel_wise=True, reset='zero'),
                             doc='reset to zero instead of by subtraction'),
        burst=Preset(dict(channel_wise=True, percentile=99.0, max_spikes=5),
                     doc='burst spikes: up to 5 per step, 99 % thresholds'),
        spiking_yolo=Preset(dict(channel_wise=True, v_init=0.0),
                            doc="Spiking-YOLO: signed IBT neuron at "
                            'LeakyReLU sites, membrane from 0'),
    )))
