"""A fixed subset spread over a data set: every k-th sample, in order."""
from typing import Iterator, Optional, Sized

from mmengine.dist import get_dist_info
from torch.utils.data import Sampler

from ..registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class StridedSampler(Sampler):
    """Yields samples ``0, stride, 2 stride, ...`` of the data set.

    ``dataset.indices=N`` keeps the first N samples, which on a data set
    stored class by class (the embedded classification split) is one or two
    classes; a stride keeps every class in proportion. Deterministic and
    evaluation subsets; metrics that score what was processed
    (TimestepAccuracy, TimestepMetric) score exactly this subset. With
    several processes each takes every ``world size``-th sample of the
    subset, without padding: no sample is processed twice.

    Args:
        dataset: The data set.
        stride: Keep every ``stride``-th sample (>= 1).
        shuffle: Must be False: the subset is taken in order (accepted so
            the sampler can replace a ``DefaultSampler`` entry in place).
        seed: Ignored (mmengine passes one to every sampler).
    """

    def __init__(self, dataset: Sized, stride: int, shuffle: bool = False,
                 seed: Optional[int] = None) -> None:
        if int(stride) < 1:
            raise ValueError(f'stride must be >= 1, got {stride}')
        if shuffle:
            raise ValueError('StridedSampler takes its subset in order; '
                             'set shuffle=False')
        self.dataset = dataset
        self.stride = int(stride)

    def _indices(self) -> range:
        rank, world = get_dist_info()
        return range(0, len(self.dataset), self.stride)[rank::world]

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices())

    def __len__(self) -> int:
        return len(self._indices())
