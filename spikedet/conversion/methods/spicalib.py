"""Spike Calibration (algorithms_casc.md §2.2-2.3): burst IF neurons with a
low percentile threshold plus a filter that retracts the spikes of neurons
it judges inactivated.

The paper's pipeline is burst neurons (gamma > 1), a Bayes-searched
percentile (0.95-0.99 found), LIPooling (our spiking max-pool) and the
filter. Our defaults: gamma = 5 and p = 99 % channel-wise (the ``burst``
preset, so the filter's effect is ``spicalib`` against ``burst``), and an
allowance A = 4 steps. A is scaled to our T range: the filter can act
only after ``isi + A`` silent steps, so the paper's A = 64-256 (T = 256
ImageNet runs) would leave every read-out up to T = A identical to the
unfiltered network; A = 4 lets it act from T = 5 on.
``configs/_base_/conversion/sweeps/spicalib_a*.py`` sweep A.
"""
from typing import Any, Dict, Optional

from torch import Tensor, nn

from ...neurons import IFNeuron, SpikeCalibration
from .base import Claim, Method
from .if_baseline import build_if, identity_if
from .registry import register_method


def build_spicalib(site, threshold: Optional[Tensor],
                   opts: Dict[str, Any]) -> nn.Module:
    """The IF baseline, and every neuron of a ReLU-type site (ReLU, ReLU6,
    clip-floor) gets a :class:`SpikeCalibration` filter. LeakyReLU sites
    keep the signed IBT neuron without it: a LeakyReLU neuron is never
    "inactivated" (its activation is 0 only at input 0), so the rule,
    which retracts spikes of neurons whose ANN output is 0, does not apply
    there. Identity sites get no filter either, for the same reason."""
    module = build_if(site, threshold, opts)
    if isinstance(module, IFNeuron):
        module.spike_filter = SpikeCalibration(opts['allowance'])
    return module


SPICALIB = register_method(Method(
    'spicalib', build_spicalib, identity_if,
    dict(channel_wise=True, percentile=99.0, reset='subtract', v_init=0.5,
         max_spikes=5, allowance=4),
    claims=(Claim('Spike Calibration lowers T99 against plain IF',
                  'fewer_steps', 'if_channel', dict(strict=True)),
            Claim('Spike Calibration lowers T99 against the same burst '
                  'neurons without the filter', 'fewer_steps', 'burst',
                  dict(strict=True)))))
