"""One-Spike (algorithms_others.md §2, §7): single-spike phase coding with
K phases, a base and a threshold shift.

The defaults are the authors' own later code's (``SpikedAttention``):
K = 40 phases at one base B = 1.15, the midpoint threshold shift, and
per-channel maximum scales (no percentile clip: a single spike cannot carry
more than its phase-0 level, so the maximum is representable and nothing
saturates). Signed sites (identity sites, LeakyReLU's negative side) code
each sign on a scale of its own. A read-out step is one whole inference
((depth + 1) K network steps); biases enter once per window, which is what
injecting ``b / K`` at each of the K steps sums to.

``select=True`` chooses base and shift per layer by the next layers' error
(:func:`select_bases`, with bias correction): it won at K = 8, where no
single base is good (B = 1.5 zeroes about 30 % of the non-zero values of a
heavy-tailed layer, B = 2 errs by about 17 %), and loses at K = 40 on both
detectors (first 12 val images, 2026-12-07: Faster R-CNN mAP@0.5 0.820
selected against 0.840 fixed; ResNet-18 100 % against 99.5 %), so the
fixed base is the default (sweeps: ``configs/_base_/conversion/sweeps/
onespike_*.py``).
"""
from typing import Any, Callable, Dict, Optional, Sequence

from torch import Tensor, nn

from ...neurons import OneSpikeNeuron
from ..depth import spiking_depths
from ..phase_calibration import select_bases
from .base import Claim, Method
from .registry import register_method


def build_onespike(site, threshold: Optional[Tensor],
                   opts: Dict[str, Any]) -> nn.Module:
    """Every activation site becomes a single-spike phase-coded neuron (see
    :class:`OneSpikeNeuron`); max-pools stay max-pools of the coded values
    (the code is monotone, so the earliest spike wins; a plain
    ``nn.MaxPool2d`` computes exactly that on the stateless outputs)."""
    if site.is_pool:
        return nn.MaxPool2d(*site.pool_args)
    kind = site.spec.kind
    upper = alpha = neg = None
    if kind == 'clip':
        upper = site.spec.params['upper']
    elif kind == 'clip_floor':
        upper = threshold = site.spec.params['top']
    elif kind == 'leaky_relu':
        # The negative side on a scale of its own: alpha x the positive one
        # until select_phase_codes measures it.
        alpha = site.spec.params['slope']
        neg = threshold * alpha
    return OneSpikeNeuron(threshold, base=opts['base'], phases=opts['phases'],
                          shift=opts['shift'], upper=upper, alpha=alpha,
                          neg_threshold=neg)


def identity_onespike(site, pos: Tensor, neg: Tensor,
                      opts: Dict[str, Any]) -> nn.Module:
    """Signed single-spike phase coding, each sign on its own scale."""
    return OneSpikeNeuron(pos, base=opts['base'], phases=opts['phases'],
                          shift=opts['shift'], alpha=1.0, neg_threshold=neg)


def select_phase_codes(snn: nn.Module, runs: Sequence[Callable[[], Any]],
                       opts: Dict[str, Any]) -> None:
    """Depths (for the latency) and, unless fixed (``select=False``),
    per-layer bases, shifts and negative scales chosen on all calibration
    batches, with the readers' biases corrected for the mean coding error
    (:func:`select_bases`)."""
    depths = spiking_depths(snn, runs[0])
    for name, module in snn.named_modules():
        if isinstance(module, OneSpikeNeuron):
            module.depth = depths.get(name, 1)
    if opts['select']:
        select_bases(snn, runs, opts)


ONESPIKE = register_method(Method(
    'onespike', build_onespike, identity_onespike,
    # K phases at one base and shift (shift None = the midpoint), or both
    # chosen per layer (select=True); per-channel maximum scales.
    dict(channel_wise=True, threshold='max', phases=40, base=1.15,
         shift=None, select=False),
    finalize=select_phase_codes,
    single_inference=True,
    results_note='each T is one more single-spike inference (the '
    'functional form; all T give the same answer); total steps are T x the '
    'network latency (depth + 1) K, and firing rate, SOPs and energy are '
    'those of one inference (T = 1): the rate is spikes per neuron per '
    'input.',
    claims=(Claim('One-Spike (`{preset}`) within 1 % of the ANN with one '
                  'spike per neuron (by construction; checked event-driven '
                  'in the tests)', 'single_spike'),)))
