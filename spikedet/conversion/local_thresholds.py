"""Local threshold balancing (LTB, algorithms_ltb.md §2-4): thresholds
learnt per channel on calibration data by the local overshoot rule.

Every site of a copy of the network becomes a clip with a learnt top
``theta`` (per channel, starting at 0). At every iteration, one forward
pass on a calibration batch, each clip first moves its top by

    theta_c <- theta_c + lr * mean_i[ 2 (z_ci - theta_c) 1(z_ci > theta_c) ]

(the gradient of the squared distance between the clipped and the
unclipped activation, over the batch and the positions of channel ``c``),
then passes ``clamp(z, 0, theta)`` on, so the layers above learn on the
clipped network, as in the authors' code. All sites move at once; the
number of iterations is the regulariser (the tail above ``theta`` is
clipped on purpose). The pass works on the network's own activation
outputs: for a ReLU ``z > theta`` and ``z - theta`` are the same on its
input and its output.

Site kinds (what the paper leaves open is ours, [R]):

* ReLU, ReLU6 (clip): the rule above; ReLU6's top never exceeds 6.
* LeakyReLU: the rule on the positive side; the clip is
  ``[-theta, theta]`` (the signed IBT neuron's range per step).
* Identity sites (a synaptic layer's analog input, spike-driven): one top
  per sign, each moved by its own overshoot, clip ``[-neg, pos]``.
* A ReLU (or ReLU6) whose output is read by a max-pool and nothing else,
  and whose input is the constant current of the input layer (no neuron
  upstream): the pool comes first and the rule runs on the pooled value
  (the paper's Theorem 2; a monotone clip commutes with the max); the ReLU
  site is reported in :attr:`LocalThresholds.pooled`. Deeper down the
  input current changes from step to step, and the max of the per-step
  currents overestimates the max of their means: on the mixed test
  network of ``tests/test_conversion/test_methods.py`` pooling first
  there left a 0.72 relative output error at T = 1,024 (0.015 with the
  spiking max-pool), so those pools stay spiking max-pools [R].

The pass also returns each neuron site's fill time for delayed
evaluation, ``(theta_c - v0_c) / m_c`` for the channel that fills first,
where ``m_c`` is the channel's mean clipped activation on the last round
of batches (its firing rate times ``theta``).
"""
import copy
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..neurons.stateful import opaque
from .depth import depth_of, tag_depth
from .errors import ConversionError
from .elementwise import AnnFunction
from .site_rewrite import install_sites
from .sites import Site, SiteTable
from .tensor_reads import ReadCounter


#: Activation kinds whose neuron may move behind a max-pool reading them.
POOLABLE = ('relu', 'clip')


@dataclass
class LocalThresholds:
    """What the LTB pass learnt.

    Attributes:
        thresholds: ``{site name: [C] tensor}`` for activation sites and
            paired max-pools, ``{site name: (pos, neg)}`` for identity
            sites.
        fill: ``{site name: steps}``: the fill time of the site's neuron
            (half its threshold over the mean input of its fastest
            channel).
        pooled: ``{ReLU site name: max-pool site name}``: ReLUs (and
            ReLU6s) read only by a max-pool, whose neuron goes after it.
    """
    thresholds: Dict[str, Any] = field(default_factory=dict)
    fill: Dict[str, float] = field(default_factory=dict)
    pooled: Dict[str, str] = field(default_factory=dict)


def _channel_mean(x: Tensor) -> Tensor:
    """Mean over every dimension but the channel (dim 1): ``[C]``."""
    if x.dim() < 2:
        return x.float().mean().reshape(1)
    return x.float().transpose(0, 1).reshape(x.shape[1], -1).mean(1)


def _channel_view(theta: Tensor, x: Tensor) -> Tensor:
    shape = [1] * x.dim()
    if x.dim() >= 2:
        shape[1] = theta.numel()
    return theta.to(x.dtype).view(shape)


class _Clip(nn.Module):
    """A learning clip of one site during the pass.

    States: ``probing`` (the activation alone, output remembered for
    pairing), learning (move the top, then clip), measuring (clip, and
    sum the mean clipped value per channel for the fill time), and
    ``bypass`` (a ReLU whose pool learns for it: the activation alone).
    """

    def __init__(self, site: Site, lr: float) -> None:
        super().__init__()
        self.site = site
        self.lr = lr
        self.signed = site.is_identity
        self.pos: Optional[Tensor] = None
        self.neg: Optional[Tensor] = None
        self.probing = False
        self.learning = True
        self.bypass = False
        self.rate_sum: Optional[Tensor] = None
        self.rate_batches = 0
        self.last_output: Optional[Tensor] = None
        self.upstream = 0  # clips upstream of its input (probe)

    def _moved(self, theta: Optional[Tensor], x: Tensor) -> Tensor:
        if theta is None:
            theta = torch.zeros(x.shape[1] if x.dim() >= 2 else 1,
                                device=x.device)
        over = (x - _channel_view(theta, x)).clamp_min(0)
        return theta + self.lr * 2 * _channel_mean(over)

    def forward(self, x: Tensor) -> Tensor:
        with opaque():
            y = self._activate(x)
            if self.probing:
                self.upstream = depth_of(x)
                y = y.clone()  # an output of its own to tag
                tag_depth(y, self.upstream + 1)
            if self.probing or self.bypass:
                self.last_output = y
                return y
            return self._clip(y)

    def _clip(self, y: Tensor) -> Tensor:
        if self.learning:
            self.pos = self._moved(self.pos, y.clamp_min(0))
            if self.signed:
                self.neg = self._moved(self.neg, (-y).clamp_min(0))
        top = _channel_view(self.pos, y)
        if self.signed:
            low = -_channel_view(self.neg, y)
        elif not self.site.is_pool and self.site.spec.kind == 'leaky_relu':
            low = -top
        else:
            low = torch.zeros_like(top)
        out = torch.maximum(torch.minimum(y, top), low)
        if not self.learning:
            mean = _channel_mean(out.clamp_min(0))
            self.rate_sum = mean if self.rate_sum is None else \
                self.rate_sum + mean
            self.rate_batches += 1
        return out

    def _activate(self, x: Tensor) -> Tensor:
        kind = self.site.spec.kind
        if kind == 'relu':
            return F.relu(x)
        if kind == 'clip':
            return x.clamp(0, self.site.spec.params['upper'])
        if kind == 'leaky_relu':
            return F.leaky_relu(x, self.site.spec.params['slope'])
        if kind == 'identity':
            return x
        raise ConversionError(
            f'{self.site.name}: local threshold balancing converts a plain '
            f'ANN; a {kind} site (quantization-aware ANN) keeps its own '
            'scales: convert it with a CASC method instead')


class _Pool(_Clip):
    """A max-pool site during the pass. It pools; when its input is a
    ReLU's output read by nothing else (found by the probe), the ReLU's
    neuron moves behind it and it learns that neuron's threshold on the
    pooled value (already rectified, so no activation of its own)."""

    def __init__(self, site: Site, lr: float) -> None:
        super().__init__(site, lr)
        self.reads: Optional[_Clip] = None
        self.input: Optional[Tensor] = None

    def forward(self, x: Tensor) -> Tensor:
        with opaque():
            pooled = F.max_pool2d(x, *self.site.pool_args)
        if self.probing:
            self.input = x
        if self.probing or self.reads is None:
            return pooled
        return self._clip(pooled)


def balance_thresholds(model: nn.Module, table: SiteTable,
                       forward: Callable[[nn.Module, Any], Any],
                       batches: Sequence[Any], iterations: int,
                       lr: float = 1.0, v_init: float = 0.5,
                       pool_first: bool = True) -> LocalThresholds:
    """Learn every site's thresholds by the LTB rule on a copy of
    ``model`` (``model`` is not changed).

    Args:
        model: The network the site table was traced on (BN folded).
        table: Its sites.
        forward: ``forward(model, batch)`` runs one batch.
        batches: Calibration batches, cycled through.
        iterations: Update steps (forward passes); then one more round of
            every batch measures the mean rates.
        lr: The step size ``eta`` (1 in the authors' code).
        v_init: Initial membrane as a fraction of the threshold, for the
            fill times.
        pool_first: Move the neuron of a ReLU read only by a max-pool
            behind the pool.

    Raises:
        ConversionError: No batch, ``iterations < 1``, or a
            quantization-aware site.
    """
    if not batches:
        raise ConversionError('the calibration set is empty: local threshold '
                              'balancing needs at least one batch')
    if iterations < 1:
        raise ConversionError(f'LTB needs iterations >= 1, got {iterations}')
    work = copy.deepcopy(model)
    clips: Dict[str, _Clip] = {}

    def make(site: Site) -> nn.Module:
        if not site.is_pool and site.spec.compensated:
            return AnnFunction(site.spec.params['fn'])
        clips[site.name] = _Pool(site, lr) if site.is_pool \
            else _Clip(site, lr)
        return clips[site.name]

    install_sites(work, table, make)
    with torch.no_grad():
        if pool_first:
            _pair(work, forward, batches[0], clips)
        for k in range(iterations):
            forward(work, batches[k % len(batches)])
        for clip in clips.values():
            clip.learning = False
        for batch in batches:
            forward(work, batch)
    return _collect(clips, v_init)


def _pair(work: nn.Module, forward, batch, clips: Dict[str, _Clip]) -> None:
    """The probe: one pass with every clip passing its activation on,
    which finds the pools that are the only reader of the output of a ReLU
    with no clip upstream."""
    for clip in clips.values():
        clip.probing = True
    readers = ReadCounter()  # clips tag their outputs one deeper
    with readers:
        forward(work, batch)
    relus = [c for c in clips.values()
             if not isinstance(c, _Pool) and c.site.spec.kind in POOLABLE]
    for pool in (c for c in clips.values() if isinstance(c, _Pool)):
        source = next((c for c in relus if c.last_output is pool.input),
                      None)
        if source is not None and source.upstream == 0 and \
                readers.reads.get(id(pool.input)) == 1:
            pool.reads, source.bypass = source, True
    for clip in clips.values():
        clip.probing = False
        clip.last_output = None
        if isinstance(clip, _Pool):
            clip.input = None


def _collect(clips: Dict[str, _Clip], v_init: float) -> LocalThresholds:
    found = LocalThresholds()
    for name, clip in clips.items():
        if clip.bypass or (isinstance(clip, _Pool) and clip.reads is None):
            continue  # no neuron of its own
        pos = _positive(clip.pos)
        if isinstance(clip, _Pool):
            found.pooled[clip.reads.site.name] = name
        if clip.signed:
            found.thresholds[name] = (pos, _positive(clip.neg))
        else:
            found.thresholds[name] = pos
        rate = clip.rate_sum / max(clip.rate_batches, 1)
        fill = (1 - v_init) * pos / rate.clamp_min(1e-12)
        found.fill[name] = float(fill.min())
    return found


def _positive(theta: Optional[Tensor]) -> Tensor:
    """Thresholds a neuron can use: channels that never overshot (top 0)
    get the layer's largest, a layer never active 1.0."""
    if theta is None:
        return torch.ones(1)
    top = float(theta.max())
    return torch.where(theta > 0, theta,
                       torch.full_like(theta, top if top > 0 else 1.0))
