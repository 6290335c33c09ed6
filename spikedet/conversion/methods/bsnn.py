"""BSNN (algorithms_others.md §1): bistable neurons that integrate in one
phase and fire in the next, synchronised across layers by spiking depth."""
from typing import Any, Callable, Dict, Optional, Sequence

from torch import Tensor, nn

from ...neurons import BistableNeuron
from ..depth import spiking_depths
from .base import Claim, Method, site_threshold, spiking_pool
from .registry import register_method


def build_bsnn(site, threshold: Optional[Tensor],
               opts: Dict[str, Any]) -> nn.Module:
    """Bistable neurons with twice the calibrated threshold (the message
    is the rate over a cycle of two phases, see :class:`BistableNeuron`);
    LeakyReLU sites fire signed spikes (our extension); max-pools stay
    spiking max-pools."""
    if site.is_pool:
        return spiking_pool(site)
    threshold = site_threshold(site, threshold)
    alpha = site.spec.params['slope'] \
        if site.spec.kind == 'leaky_relu' else None
    return BistableNeuron(threshold * 2, phase=opts['phase'],
                          sync=opts['sync'], alpha=alpha,
                          v_init=opts['v_init'])


def identity_bsnn(site, pos: Tensor, neg: Tensor,
                  opts: Dict[str, Any]) -> nn.Module:
    """A signed bistable neuron (both thresholds doubled, as at its ReLU
    sites)."""
    return BistableNeuron(pos * 2, phase=opts['phase'], sync=opts['sync'],
                          alpha=1.0, v_init=opts['v_init'],
                          neg_threshold=neg * 2)


def assign_depths(snn: nn.Module, runs: Sequence[Callable[[], Any]],
                  opts: Dict[str, Any]) -> None:
    """Give every bistable neuron its spiking depth (its phase parity)."""
    depths = spiking_depths(snn, runs[0])
    for name, module in snn.named_modules():
        if isinstance(module, BistableNeuron):
            module.depth = depths.get(name, 1)


BSNN = register_method(Method(
    'bsnn', build_bsnn, identity_bsnn,
    # P = 4 steps per phase.
    dict(channel_wise=True, phase=4, sync=True, v_init=0.5),
    finalize=assign_depths,
    results_note='a neuron at spiking depth d first fires after d phases '
    'of P steps (P = 4 by default), so nothing reaches the head before '
    'T > depth x P.',
    claims=(Claim("BSNN (`{preset}`) reaches 99 % of the ANN in <= 1/4 of "
                  "IF's T", 'fewer_steps', 'if_channel', dict(factor=4.0)),)))
