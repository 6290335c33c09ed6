"""TerMapping and AugMapping (algorithms_others.md §3): double-threshold
neurons with ternary (TerMapping) or augmented multi-level (AugMapping)
spikes.

Thresholds: the paper balances them on data (Diehl / Rueckauer) without
fixing the statistic [R]. TerMapping takes the channel-wise 99.9 %
percentile, as plain IF. AugMapping takes the 99.99 % percentile: its
threshold is ``lambda / c_max``, so ``lambda`` only sets the most one
step can carry, and a clipped tail costs more than the coarser level.
Measured (first 12 val images, 2026-12-07, ``c_max = 4``), T99 at 99.9 %
against 99.99 %: YOLOv3 MobileNetV2 > 64 (0.759 at T = 16 and 32) against
16 (0.778, E / E_ANN 1.54); Faster R-CNN 64 against 4; ResNet-18 4
against 8. At 99.99 % with ``c_max = 3`` YOLOv3 reached 0.665 at T = 16;
with per-channel maxima, 0.752.

AugMapping reads out with delayed evaluation, ``t0 = 4`` steps [R]: the
first steps of a 60-layer MobileNetV2 are pipeline fill even at a quarter
of the threshold. YOLOv3 on the first 48 val images (ANN 0.820), mAP@0.5
at T = 8 / 16 / 32 for t0 = 0, 2, 4, 8: 0.557 / 0.773 / 0.812, 0.656 /
0.792 / 0.815, 0.730 / 0.805 / 0.815, 0.730 / 0.798 / 0.811. Read-outs at
T <= 4 average every step, so the short end of the curve is unchanged.
"""
from typing import Any, Dict, Optional

from torch import Tensor, nn

from ...neurons import DoubleThresholdNeuron
from .base import Claim, Method, clip_cap, site_threshold, spiking_pool
from .registry import register_method


def build_double(site, threshold: Optional[Tensor],
                 opts: Dict[str, Any]) -> nn.Module:
    """ReLU-type sites: gated double-threshold neurons. LeakyReLU sites:
    ungated, negative threshold imbalanced by ``1 / slope`` (Spiking-YOLO's
    IBT with ternary or augmented spikes). AugMapping splits the calibrated
    threshold into ``c_max`` levels (``theta = lambda / c_max``), so one
    step carries up to ``c_max`` levels of ``lambda / c_max`` (§3.3, our
    reading). At ReLU6 sites the cap is lowered so one step never exceeds
    the clip."""
    if site.is_pool:
        return spiking_pool(site)
    threshold = site_threshold(site, threshold)
    cap = opts['c_max']
    if cap is not None and cap > 1 and opts['split_threshold']:
        threshold = threshold / cap
    cap = clip_cap(site, threshold, cap)
    if site.spec.kind == 'leaky_relu':
        return DoubleThresholdNeuron(threshold, c_max=cap, gate=False,
                                     alpha=site.spec.params['slope'],
                                     v_init=opts['v_init'])
    return DoubleThresholdNeuron(threshold, c_max=cap, gate=True,
                                 v_init=opts['v_init'])


def identity_double(site, pos: Tensor, neg: Tensor,
                    opts: Dict[str, Any]) -> nn.Module:
    """The ungated double-threshold neuron with a scale per sign (split in
    ``c_max`` levels for AugMapping, as its ReLU sites)."""
    cap = opts['c_max']
    if cap is not None and cap > 1 and opts['split_threshold']:
        pos, neg = pos / cap, neg / cap
    return DoubleThresholdNeuron(pos, c_max=cap, gate=False, alpha=1.0,
                                 v_init=opts['v_init'], neg_threshold=neg)


TERMAPPING = register_method(Method(
    'termapping', build_double, identity_double,
    dict(channel_wise=True, c_max=1, split_threshold=False, v_init=0.5)))

AUGMAPPING = register_method(Method(
    'augmapping', build_double, identity_double,
    dict(channel_wise=True, percentile=99.99, c_max=4, split_threshold=True,
         v_init=0.5, evaluation_delay=4),
    claims=(Claim('AugMapping needs fewer steps than TerMapping',
                  'fewer_steps', 'termapping', dict(strict=True)),)))
