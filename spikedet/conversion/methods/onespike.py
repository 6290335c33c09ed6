"""One-Spike (algorithms_others.md §2): single-spike phase coding with K
phases, a per-layer base and threshold shift."""
from typing import Any, Callable, Dict, Optional, Sequence

from torch import Tensor, nn

from ...neurons import OneSpikeNeuron
from ..depth import spiking_depths
from ..phase_calibration import select_bases
from .base import Claim, Method, Preset
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
    # K phases; base and shift chosen per layer (select=True) or fixed
    # (base, shift; shift None = the midpoint).
    dict(channel_wise=True, phases=8, base=2.0, shift=None, select=True),
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
