"""The calibration batches' sampler: the same samples in every process."""
from typing import Iterator, Optional, Sized

import torch
from torch.utils.data import Sampler

from ..registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class CalibrationSampler(Sampler):
    """A seeded shuffle of the whole data set, not split across processes.

    Calibration must see the same batches in every process, so that the
    thresholds do not depend on how many there are. The order is that of
    mmengine's ``DefaultSampler(shuffle=True)`` in one process (a
    ``randperm`` seeded with ``seed``), so one-process calibration is
    unchanged.

    Args:
        dataset: The data set.
        shuffle: Shuffle (default) or keep the order.
        seed: Seed of the shuffle. Defaults to 0.
    """

    def __init__(self, dataset: Sized, shuffle: bool = True,
                 seed: Optional[int] = None) -> None:
        self.dataset = dataset
        self.shuffle = shuffle
        self.seed = 0 if seed is None else int(seed)

    def __iter__(self) -> Iterator[int]:
        if not self.shuffle:
            return iter(range(len(self.dataset)))
        g = torch.Generator().manual_seed(self.seed)
        return iter(torch.randperm(len(self.dataset), generator=g).tolist())

    def __len__(self) -> int:
        return len(self.dataset)
