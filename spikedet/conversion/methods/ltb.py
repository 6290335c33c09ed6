"""LTB, local threshold balancing (Bu, Li, Yu, CVPR 2025; algorithms_ltb.md):
training-free conversion with thresholds learnt per channel by a local
rule, plain IF neurons, max-pooling before the neuron and delayed
evaluation.

* Thresholds: :func:`~spikedet.conversion.local_thresholds.
  balance_thresholds`, from 0, ``iterations`` forward passes cycling
  through the calibration batches, step size ``lr`` (1, as the authors).
  The paper runs 1,000 batches of 100 ImageNet images and 5,000
  iterations for detection; our default, 1,000 passes over the few
  calibration batches of a conversion, repeats those batches.
* Neurons: IF, reset by subtraction, membrane from ``theta / 2``, one
  spike per step; the signed IBT neuron at LeakyReLU sites and the
  symmetric signed neuron at identity sites, each with its learnt
  thresholds (both [R]: the paper converts ReLU networks). Our IF fires at
  ``v >= theta`` where the authors' fires at ``v > theta``: the two differ
  only on exact equality of float sums.
* A ReLU (or ReLU6) whose only reader is a max-pool: the pool, then the
  neuron (:class:`~spikedet.neurons.MaxPoolThenNeuron`); other max-pools
  are spiking max-pools.
* Delayed evaluation: the read-out leaves out the first ``t0`` steps,
  ``t0`` the longest path, over the network's neurons, of their fill times
  ``(theta_c - v0) / m_c`` (the channel that fills first, ``m_c`` its mean
  clipped activation on calibration data), as the paper estimates it.
  Read-outs at ``T < t0 + 4`` average the last 4 steps. The delay is
  saved with the network (:class:`~spikedet.neurons.ReadoutDelay`) and
  any method's finalize may attach one the same way. The authors sum the
  fill times of all layers in module order; the longest path is the same
  for a chain and does not count parallel branches (a detector's heads)
  twice [R].

Checked against SpikingJelly 2.0.0's ``LocalThresholdBalancingRecipe`` by
``benchmarks/ltb_vs_spikingjelly.py`` (2026-12-07): on the shapes ResNet-18,
the same 1,000 updates on the same 5 calibration batches give the same
top-1 at every T from 1 to 256 (200 val crops; 99.5 % at T = 32, 100 % at
128); delayed evaluation (t0 = 38) adds 1.5 points at T = 16. With 200
iterations instead of 1,000 the curve was the same from T = 16 on (99 %
at 16, 100 % at 32); with 50 it stopped at 98 %.
"""
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Sequence

from torch import Tensor, nn

from ...neurons import (IFNeuron, MaxPoolThenNeuron, ReadoutDelay,
                        SignedIFNeuron)
from ..depth import spiking_depths
from ..local_thresholds import balance_thresholds
from ..ops import ActivationSpec
from .base import Method, clip_cap, spiking_pool
from .registry import register_method

@dataclass(frozen=True)
class LearntSite:
    """What the LTB pass hands to :func:`build_ltb` for one site.

    Attributes:
        threshold: ``[C]`` thresholds, or ``(pos, neg)`` at identity sites;
            None for a ReLU whose neuron moved behind its max-pool.
        fill: The neuron's fill time in steps (0 where there is none).
        pooled: For a max-pool site whose neuron comes after it, what the
            ANN computes before the pool (the ReLU's activation); else None.
    """
    threshold: Any
    fill: float = 0.0
    pooled: Optional[ActivationSpec] = None


def learn_thresholds(model: nn.Module, table, forward: Callable,
                     batches: Sequence[Any],
                     opts: Dict[str, Any]) -> Dict[str, LearntSite]:
    """The method's threshold pass (see :class:`Method`)."""
    learnt = balance_thresholds(model, table, forward, batches,
                                opts['iterations'], opts['lr'],
                                opts['v_init'], opts['pool_first'])
    specs = {site.name: site.spec for site in table.sites}
    before = {pool: specs[relu] for relu, pool in learnt.pooled.items()}
    sites = {name: LearntSite(theta, learnt.fill.get(name, 0.0),
                              before.get(name))
             for name, theta in learnt.thresholds.items()}
    sites.update({relu: LearntSite(None) for relu in learnt.pooled})
    return sites


def build_ltb(site, learnt: Optional[LearntSite],
              opts: Dict[str, Any]) -> nn.Module:
    """IF neurons with the learnt thresholds; see the module docstring."""
    if site.is_pool and (learnt is None or learnt.pooled is None):
        return spiking_pool(site)
    if learnt.threshold is None:  # its neuron sits after the max-pool
        return nn.Identity()
    if site.is_identity:
        pos, neg = learnt.threshold
        neuron = SignedIFNeuron(pos, alpha=1.0, v_init=opts['v_init'],
                                neg_threshold=neg)
    elif site.is_pool:  # a ReLU6's threshold never exceeds its clip
        neuron = IFNeuron(learnt.threshold, v_init=opts['v_init'])
    elif site.spec.kind == 'leaky_relu':
        neuron = SignedIFNeuron(learnt.threshold,
                                alpha=site.spec.params['slope'],
                                v_init=opts['v_init'])
    else:
        neuron = IFNeuron(learnt.threshold, v_init=opts['v_init'],
                          max_spikes=clip_cap(site, learnt.threshold, 1))
    neuron.fill_time = learnt.fill
    if site.is_pool:
        neuron.ann_activation = learnt.pooled
        return MaxPoolThenNeuron(site.pool_args, neuron)
    return neuron


def identity_ltb(site, pos: Tensor, neg: Tensor,
                 opts: Dict[str, Any]) -> nn.Module:
    """Never reached through the converter (the threshold pass covers
    every identity site); for direct use: the signed IF neuron."""
    return SignedIFNeuron(pos, alpha=1.0, v_init=opts['v_init'],
                          neg_threshold=neg)


def attach_delay(snn: nn.Module, runs: Sequence[Callable[[], Any]],
                 opts: Dict[str, Any]) -> None:
    """Estimate ``t0`` (the longest path of fill times) and keep it with
    the network; ``delayed_evaluation=False`` attaches 0."""
    delay = 0
    if opts['delayed_evaluation']:
        fills = spiking_depths(
            snn, runs[0], lambda m: getattr(m, 'fill_time', 0.0))
        delay = int(max(fills.values(), default=0.0))
    ReadoutDelay.attach(snn, delay)


LTB = register_method(Method(
    'ltb', build_ltb, identity_ltb,
    dict(channel_wise=True, v_init=0.5, iterations=1000, lr=1.0,
         pool_first=True, delayed_evaluation=True),
    thresholds=learn_thresholds,
    finalize=attach_delay,
    results_note='thresholds learnt per channel by the local rule, IF '
    'neurons from theta / 2, max-pool before the neuron, and the read-out '
    'at T averaging the steps after the estimated fill time t0 (the last '
    '4 when T < t0 + 4); T counts every step.'))
