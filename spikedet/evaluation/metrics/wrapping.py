"""A metric that feeds other metrics and keeps their dataset meta in step."""
from typing import Iterable, Optional

from mmengine.evaluator import BaseMetric

from .gather import GatheredMetric


class WrappingMetric(GatheredMetric):
    """A :class:`GatheredMetric` wrapping mmdet metrics: the dataset meta
    the runner sets on it reaches every wrapped one (those that exist now,
    and those made later from :attr:`dataset_meta`)."""

    def wrapped_metrics(self) -> Iterable[BaseMetric]:
        """The wrapped metrics built so far."""
        raise NotImplementedError

    @property
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, meta: dict) -> None:
        self._dataset_meta = meta
        for metric in self.wrapped_metrics():
            metric.dataset_meta = meta
