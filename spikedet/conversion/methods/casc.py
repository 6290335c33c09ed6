"""CASC (algorithms_casc.md §1): consistent IF neurons simulated with
wake-sleep phases, on a quantization-aware ANN (clip-floor activations)
that they reproduce exactly at T = L wake steps."""
from typing import Any, Dict, Optional

from torch import Tensor, nn

from ...neurons import ConsistentIFNeuron, SignedConsistentIFNeuron
from ..errors import ConversionError
from .base import Method, Preset, spiking_pool
from .registry import register_method


def build_cif(site, threshold: Optional[Tensor],
              opts: Dict[str, Any]) -> nn.Module:
    """Clip-floor sites get their clip top as threshold (1 in the paper)
    and their rounding shift as initial membrane (0 in the paper): exact
    with wake-sleep. Plain ReLU / clip sites get the calibrated threshold:
    our "CIF + data-based threshold" variant for ANNs that were not
    quantization-aware. LeakyReLU has no consistent signed neuron."""
    if site.is_pool:
        return spiking_pool(site)
    kind = site.spec.kind
    if kind == 'leaky_relu':
        raise ConversionError(
            f'{site.name}: CASC has no consistent neuron for LeakyReLU; '
            'fine-tune the ANN with clip-floor activations first '
            '(spikedet.conversion.quantize_activations) or use method "if"')
    v_init = opts['v_init']
    if kind == 'clip_floor':
        # The neuron starts at shift x top: its count is then the ANN's
        # floor(L x / top + shift), exactly.
        threshold = site.spec.params['top']
        v_init = site.spec.params['shift']
    return ConsistentIFNeuron(threshold, max_spikes=opts['max_spikes'],
                              v_init=v_init)


def identity_cif(site, pos: Tensor, neg: Tensor,
                 opts: Dict[str, Any]) -> nn.Module:
    """The signed consistent IF neuron. At a signed clip-floor site its
    scales are the tops and its rounding shift the clip-floor's (exact
    with wake-sleep); at a site of an ANN that was not quantized there,
    the calibrated thresholds and ``v_init`` as shift."""
    shift = site.spec.params['shift'] \
        if site.spec.kind == 'signed_clip_floor' else opts['v_init']
    return SignedConsistentIFNeuron(pos, neg, max_spikes=opts['max_spikes'],
                                    shift=shift)


CASC = register_method(Method(
    'cif_wsc', build_cif, identity_cif,
    dict(v_init=0.0, max_spikes=1),
    # A sleep phase after every L = 8 wake steps settles the read-out at
    # T = 8 (the *_casc-l8 checkpoints).
    dict(type='wake_sleep', margin=8, sleep=56),
    presets=dict(cif_wsc_l4=Preset(
        schedule=dict(margin=4),
        doc='for L = 4 quantized ANNs (*_casc-l4): sleep after 4 wake '
        'steps')),
    needs_quantized_ann=True))
