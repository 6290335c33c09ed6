"""A metric scored on the images it was given, not on its whole file."""
import copy
from typing import Dict, Iterable, Optional, Sequence

from mmengine.evaluator import BaseMetric

from mmdet.evaluation import CocoMetric

from ...registry import METRICS
from .wrapping import WrappingMetric


@METRICS.register_module()
class ProcessedImagesMetric(WrappingMetric):
    """Wrap an mmdet metric so that only the processed images are scored.

    mmdet's ``CocoMetric`` scores every image of its annotation file
    (``img_ids`` defaults to all of them), so a test on a subset
    (``test_dataloader.dataset.indices=16``) counts every image it never saw
    as missed: on the shapes RTMDet-tiny, mAP@0.5 0.075 instead of 0.893.
    This wrapper feeds the wrapped metric unchanged, remembers each
    sample's image id, and sets the metric's ``img_ids`` to those before it
    computes (a metric without ``img_ids``, such as ``VOCMetric``, already
    scores its results alone). :class:`TimestepMetric` does the same for
    every read-out of a spiking run; ``tools/test.py`` wraps a plain
    ANN's evaluator in this one.

    Args:
        metric: Config of the wrapped metric.
        collect_device: See :class:`BaseMetric`.
        prefix: Defaults to the wrapped metric's prefix.
    """

    def __init__(self, metric: Dict, collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        wrapped = METRICS.build(copy.deepcopy(dict(metric)))
        super().__init__(collect_device=collect_device,
                         prefix=prefix or wrapped.prefix)
        self.metric = wrapped

    def wrapped_metrics(self) -> Iterable[BaseMetric]:
        return [self.metric] if hasattr(self, 'metric') else []

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """The wrapped metric's records for this batch, one per sample,
        each kept with its image id."""
        before = len(self.metric.results)
        self.metric.process(data_batch, data_samples)
        records = self.metric.results[before:]
        del self.metric.results[before:]
        if len(records) != len(data_samples):
            raise RuntimeError(
                f'{type(self.metric).__name__} keeps {len(records)} results '
                f'for {len(data_samples)} samples; ProcessedImagesMetric '
                'needs one per sample')
        for sample, record in zip(data_samples, records):
            self.results.append(dict(img_id=sample.get('img_id'),
                                     record=record))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        img_ids = sorted({r['img_id'] for r in results
                          if r['img_id'] is not None})
        if hasattr(self.metric, 'img_ids') and img_ids:
            self.metric.img_ids = img_ids
        return self.metric.compute_metrics([r['record'] for r in results])


def score_processed_images_only(evaluator):
    """``evaluator`` (a metric config, a list of them or an ``Evaluator``
    config) with every metric that scores a whole annotation file (mmdet's
    ``CocoMetric`` and its subclasses) wrapped in
    :class:`ProcessedImagesMetric`; the others are returned as they are."""
    if isinstance(evaluator, (list, tuple)):
        return [score_processed_images_only(m) for m in evaluator]
    if 'metrics' in evaluator:  # an Evaluator config
        return dict(evaluator,
                    metrics=score_processed_images_only(evaluator['metrics']))
    cls = METRICS.get(evaluator.get('type'))
    if isinstance(cls, type) and issubclass(cls, CocoMetric):
        return dict(type='ProcessedImagesMetric', metric=dict(evaluator))
    return evaluator
