"""Spike Calibration (algorithms_casc.md §2.2-2.3, algorithms_others.md §7):
burst IF neurons with a low percentile threshold plus a filter that
retracts the spikes of neurons it judges inactivated.

The paper's pipeline is burst neurons (gamma > 1), a Bayes-searched
percentile (0.95-0.99 found), LIPooling (our spiking max-pool) and the
filter. Our defaults: gamma = 5 and p = 99 % channel-wise (the ``burst``
preset, so the filter's effect is ``spicalib`` against ``burst``).

The allowance A follows the run's length, as in the authors' own scripts
(A = T / 2 on CIFAR; 64-128 at T = 256 on ImageNet): ``A = ceil(0.5 T)``
for a simulation whose largest read-out is T (``allowance_fraction``).
One pass gives every read-out, so the smaller read-outs of a run share
its A; the rule cannot act before step A + 1, so those up to T = A + 1
equal ``burst`` exactly and the largest one is the authors' rule at its
T. A fixed ``allowance`` (an int) is an option; a small one erases late
starters, which is why the curve fell with T at the former A = 4.
``configs/_base_/conversion/sweeps/spicalib_*.py`` sweep both.
"""
from typing import Any, Dict, Optional

from torch import Tensor, nn

from ...neurons import BaseNeuron, SpikeCalibration
from .base import Claim, Method
from .if_baseline import build_if, identity_if
from .registry import register_method


def build_spicalib(site, threshold: Optional[Tensor],
                   opts: Dict[str, Any]) -> nn.Module:
    """The IF baseline, and every neuron of a rectifying site (ReLU,
    ReLU6, clip-floor, and LeakyReLU's signed IBT neuron, whose positive
    spikes are tracked and retracted) gets a :class:`SpikeCalibration`
    filter. Identity sites get none: they pass a signed analog value,
    which no neuron there can be "inactivated" for."""
    module = build_if(site, threshold, opts)
    if isinstance(module, BaseNeuron):
        module.spike_filter = SpikeCalibration(opts['allowance'],
                                               opts['allowance_fraction'])
    return module


SPICALIB = register_method(Method(
    'spicalib', build_spicalib, identity_if,
    dict(channel_wise=True, percentile=99.0, reset='subtract', v_init=0.5,
         max_spikes=5, allowance=None, allowance_fraction=0.5),
    claims=(Claim('Spike Calibration lowers T99 against plain IF',
                  'fewer_steps', 'if_channel', dict(strict=True)),
            Claim('Spike Calibration lowers T99 against the same burst '
                  'neurons without the filter', 'fewer_steps', 'burst',
                  dict(strict=True)))))
