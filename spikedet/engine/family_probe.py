"""Does a detector family convert? A probe on random weights.

What ``tests/test_models/test_support_matrix.py`` runs small and
``benchmarks/support_matrix.py`` runs large: build an mmdet config with
random weights, give its BatchNorms the statistics of random images (as
training would), convert it with ``if_channel`` calibrated on the probe
image itself at the 100th percentile (no clipping error: a correct
conversion's error can only shrink with T, a skipped or misrouted layer
leaves a floor) and measure how far the simulated stage's raw outputs are
from the ANN's at each T.
"""
from typing import Dict, Sequence

import torch
from mmengine.config import ConfigDict
from torch import Tensor, nn
from torch.utils._pytree import tree_leaves

from ..models.detectors import SpikingDetector
from ..models.detectors.stages import (DenseStage, ProposalStage,
                                       TransformerStage)
from ..simulation import simulate
from ..utils.config import load_config


def mmdet_model(config: str) -> ConfigDict:
    """The model of a config shipped inside mmdet (``'yolo/...py'``),
    without its pretrained-backbone initialisation (nothing is
    downloaded)."""
    model = load_config('mmdet::' + config).model
    model.backbone.pop('init_cfg', None)
    return model


def probe_images(size: int, seed: int, n: int = 1) -> Tensor:
    """``n`` random ``size`` x ``size`` images, fixed by ``seed``."""
    return torch.randn(n, 3, size, size,
                       generator=torch.Generator().manual_seed(seed))


def simulated_stage(snn: SpikingDetector) -> nn.Module:
    """The ANN counterpart of ``snn.net``: the stage simulated first."""
    if snn.transformer:
        return TransformerStage(snn.ann)
    return ProposalStage(snn.ann) if snn.two_stage else DenseStage(snn.ann)


@torch.no_grad()
def normalise_batchnorm(snn: SpikingDetector, size: int) -> None:
    """Give the BatchNorms that train the statistics of random images: with
    mmdet's initial running statistics (mean 0, variance 1) a deep random
    network's activations vanish and its outputs are its biases, which
    any conversion reproduces.

    Backbones built with ``norm_eval=True`` (mmdet's ResNets and
    Darknet) keep their BatchNorms in eval mode through ``train()``, as
    in mmdet's training, and so keep the initial statistics; their signal
    shrinks through the depth but stays image-dependent (checked by
    :func:`relative_errors`). Normalising them too makes the random R50
    detectors chaotic (measured 2026-12-08: Faster R-CNN R50-FPN at
    32 px, relative error 0.87 / 0.80 / 0.81 at T = 4 / 16 / 64), where a
    misrouted layer could no longer be told from the chaos."""
    for module in snn.ann.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # cumulative average
    stage = simulated_stage(snn).train()
    for seed in range(4):
        stage(probe_images(size, 10 + seed, 2))
    snn.ann.eval()


def build_probe(model: ConfigDict, size: int, timesteps: Sequence[int],
                spike_driven=True) -> SpikingDetector:
    """The converted detector of a probe (see the module docstring)."""
    torch.manual_seed(0)
    snn = SpikingDetector(model, dict(method='if_channel', percentile=100.0,
                                      spike_driven=spike_driven),
                          timesteps=timesteps,
                          input_size=(size, size)).eval()
    if any(type(m).__name__ == 'L2Norm' for m in snn.ann.modules()):
        # SSD300: VGG without BatchNorm needs mmdet's own initialisation
        # (Xavier, zero biases, the L2Norm's scale, left empty until then).
        snn.ann.init_weights()
    for module in snn.ann.modules():
        if isinstance(getattr(module, 'level_embed', None), nn.Parameter):
            # The Deformable DETRs' level embeddings are built empty
            # (``torch.Tensor(n, d)``: whatever the allocator held, NaN at
            # times); mmdet's init_weights draws them from N(0, 1), as
            # here. The rest of its initialisation (Xavier transformer
            # layers) would leave the outputs nearly image-independent.
            nn.init.normal_(module.level_embed)
    normalise_batchnorm(snn, size)
    snn.calibrate([dict(inputs=probe_images(size, 1), data_samples=None)])
    return snn.eval()


def flat(outputs) -> Tensor:
    """Every tensor of a (nested) output, flattened into one."""
    return torch.cat([t.flatten() for t in tree_leaves(outputs)])


@torch.no_grad()
def relative_errors(snn: SpikingDetector, size: int,
                    timesteps: Sequence[int]) -> Dict[int, float]:
    """``||SNN - ANN|| / ||ANN||`` of the simulated stage's raw outputs on
    the probe image, per T.

    Raises:
        AssertionError: The ANN's outputs do not depend on the image
            (only its biases would be compared).
    """
    x = probe_images(size, 1)
    stage = simulated_stage(snn)
    ann = flat(stage(x))
    assert (flat(stage(probe_images(size, 2))) - ann).norm() > \
        0.05 * ann.norm(), 'the outputs do not depend on the image'
    runs = simulate(snn.net, x, list(timesteps))
    return {t: float((flat(r.output) - ann).norm() / ann.norm())
            for t, r in runs.items()}
