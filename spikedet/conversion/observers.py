"""Activation statistics on calibration data: max and percentile thresholds."""
from typing import Optional

import torch
from torch import Tensor

OBSERVER_MODES = ('max', 'percentile')


class ActivationObserver:
    """Collects one site's activations and turns them into a threshold.

    ``'max'`` keeps a running maximum (exact). ``'percentile'`` keeps a
    bounded random sample and takes ``torch.nanquantile`` of it at the end: at
    most ``max_samples`` values per layer (layer-wise) or per channel
    (channel-wise), a uniform sample of every value seen in all batches
    (bottom-k sampling: each value gets a random key and the ``max_samples``
    smallest keys are kept, so every batch is represented in proportion to
    its size however many follow it), so memory and time stay bounded on
    detector feature maps. With ``nonzero_only`` (the SNN Toolbox
    convention and the spec's default) zeros are excluded before the
    percentile, so a sparse layer's threshold reflects its active neurons.

    Channels that were never active get the layer's threshold; a layer never
    active gets 1.0 (such a neuron never receives positive current anyway).

    Args:
        mode: ``'max'`` or ``'percentile'``. Defaults to ``'percentile'``.
        percentile: In (0, 100]. Defaults to 99.9.
        channel_wise: One threshold per channel (dim 1). Defaults to False.
        nonzero_only: Ignore zeros for the percentile. Defaults to True.
        max_samples: Sample bound per layer or per channel.
            Defaults to 2**18 (layer) / 2**12 (channel) when None.
        seed: Seed of the sampling generator. Defaults to 0.
    """

    def __init__(self,
                 mode: str = 'percentile',
                 percentile: float = 99.9,
                 channel_wise: bool = False,
                 nonzero_only: bool = True,
                 max_samples: Optional[int] = None,
                 seed: int = 0) -> None:
        if mode not in OBSERVER_MODES:
            raise ValueError(f'mode must be one of {OBSERVER_MODES}')
        if not 0 < percentile <= 100:
            raise ValueError('percentile must be in (0, 100]')
        self.mode = mode
        self.percentile = percentile
        self.channel_wise = channel_wise
        self.nonzero_only = nonzero_only
        self.max_samples = max_samples or (2**12 if channel_wise else 2**18)
        self.generator = torch.Generator().manual_seed(seed)
        self.samples: Optional[Tensor] = None  # [C, k] or [1, k]
        self.keys: Optional[Tensor] = None     # [k], the samples' keys
        self.maximum: Optional[Tensor] = None
        self.batches = 0

    def _rows(self, y: Tensor) -> Tensor:
        """``[C, n]`` (channel-wise) or ``[1, n]`` view of the activations."""
        y = y.detach().float()
        if self.channel_wise:
            if y.dim() < 2:
                raise ValueError('channel-wise statistics need [N, C, ...]')
            return y.transpose(0, 1).reshape(y.shape[1], -1)
        return y.reshape(1, -1)

    def update(self, y: Tensor) -> None:
        """Add a batch of activations (the ANN activation's output)."""
        rows = self._rows(y)
        self.batches += 1
        row_max = rows.max(dim=1).values.cpu()
        self.maximum = row_max if self.maximum is None else \
            torch.maximum(self.maximum, row_max)
        if self.mode == 'max':
            return
        keys, rows = self._smallest_keys(
            torch.rand(rows.shape[1], generator=self.generator), rows)
        rows = rows.cpu()
        if self.nonzero_only:
            rows = rows.masked_fill(rows <= 0, float('nan'))
        if self.samples is not None:
            keys = torch.cat([self.keys, keys])
            rows = torch.cat([self.samples, rows], dim=1)
        self.keys, self.samples = self._smallest_keys(keys, rows)

    def _smallest_keys(self, keys: Tensor, rows: Tensor):
        """The columns of ``rows`` with the ``max_samples`` smallest
        ``keys`` (all of them when there are fewer)."""
        if keys.numel() <= self.max_samples:
            return keys, rows
        keys, idx = keys.topk(self.max_samples, largest=False)
        return keys, rows[:, idx.to(rows.device)]

    def threshold(self) -> Tensor:
        """The threshold: a scalar, or ``[C]`` when channel-wise.

        Raises:
            RuntimeError: No batch was observed.
        """
        if self.batches == 0:
            raise RuntimeError('no calibration data reached this site')
        if self.mode == 'max':
            values = self.maximum.clone()
        else:
            values = torch.nanquantile(self.samples, self.percentile / 100,
                                       dim=1)
        values = torch.nan_to_num(values, nan=0.0)
        layer = float(values.max())
        fallback = layer if layer > 0 else 1.0
        values = torch.where(values > 0, values, torch.full_like(values,
                                                                 fallback))
        return values if self.channel_wise else values[0]


class SignedObserver:
    """Thresholds of an identity site: one per sign.

    The positive side's threshold comes from the site's positive values,
    the negative side's from its negated negative values, each by an
    :class:`ActivationObserver` with the same options, which sees the other
    sign as zeros (as a ReLU site sees its negative inputs). A side that never occurred gets
    the other side's threshold.

    Args:
        **options: :class:`ActivationObserver` options.
    """

    def __init__(self, **options) -> None:
        self.positive = ActivationObserver(**options)
        self.negative = ActivationObserver(**options)

    def update(self, y: Tensor) -> None:
        """Add a batch of the site's (signed) values."""
        self.positive.update(y.clamp_min(0))
        self.negative.update((-y).clamp_min(0))

    def thresholds(self):
        """``(positive, negative)`` thresholds (scalars or ``[C]``)."""
        pos, neg = self.positive.threshold(), self.negative.threshold()
        pos_seen = self.positive.maximum.max() > 0
        neg_seen = self.negative.maximum.max() > 0
        if not neg_seen:
            neg = pos.clone()
        elif not pos_seen:
            pos = neg.clone()
        return pos, neg
