"""One real mmdet metric per read-out timestep (and one for the ANN)."""
import copy
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from ...registry import METRICS
from ..curve import metric_key

Key = Union[str, int]


@METRICS.register_module()
class TimestepMetric(BaseMetric):
    """Evaluate a spiking detector at every T with an unmodified mmdet metric.

    Expects the predictions of :class:`SpikingDetector`: the ANN's in
    ``pred_instances`` and the SNN's per T in ``timestep_preds`` with steps in
    ``timestep_steps``. For each key (``'ann'``, then every T) it keeps its
    own instance of the wrapped metric (``CocoMetric``, ``VOCMetric``, ...),
    feeds it the matching predictions and reports
    ``<prefix>/ann/<name>`` and ``<prefix>/T<t>/<name>``, plus
    ``T<t>/wake_steps`` and ``T<t>/total_steps``. mAP is never recomputed
    here.

    Only the images that were processed are scored: a CocoMetric's
    ``img_ids`` (all images of its annotation file by default) is set to the
    processed ones, so a fixed val subset (``test_dataloader.dataset.indices``)
    gets correct absolute numbers instead of counting unseen images as
    misses.

    Args:
        metric: Config of the wrapped metric.
        dump_dir: If set, each T's metric writes its results file with the
            prefix ``<dump_dir>/T<t>`` (CocoMetric: ``T<t>.bbox.json``).
        collect_device: See :class:`BaseMetric`.
        prefix: Defaults to the wrapped metric's prefix.
    """

    def __init__(self,
                 metric: Dict,
                 dump_dir: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        self.metric_cfg = dict(metric)
        probe = METRICS.build(copy.deepcopy(self.metric_cfg))
        super().__init__(collect_device=collect_device,
                         prefix=prefix or probe.prefix)
        self.dump_dir = dump_dir
        self.metrics: Dict[Key, BaseMetric] = {'ann': probe}
        self.img_ids: List[int] = []
        self.steps: Dict[int, Sequence[int]] = {}

    @property
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, meta: dict) -> None:
        self._dataset_meta = meta
        for metric in getattr(self, 'metrics', {}).values():
            metric.dataset_meta = meta

    def _metric(self, key: Key) -> BaseMetric:
        if key not in self.metrics:
            cfg = copy.deepcopy(self.metric_cfg)
            if self.dump_dir:
                os.makedirs(self.dump_dir, exist_ok=True)
                cfg['outfile_prefix'] = osp.join(self.dump_dir, f'T{key}')
            metric = METRICS.build(cfg)
            metric.dataset_meta = self._dataset_meta
            self.metrics[key] = metric
        return self.metrics[key]

    @staticmethod
    def _plain(instances) -> dict:
        return instances.to_dict() if hasattr(instances, 'to_dict') else \
            dict(instances)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        self._metric('ann').process(data_batch, data_samples)
        for t in sorted(data_samples[0].get('timestep_preds', {})):
            per_t = [dict(s, pred_instances=self._plain(s['timestep_preds'][t]))
                     for s in data_samples]
            self._metric(t).process(data_batch, per_t)
            self.steps[t] = tuple(data_samples[0]['timestep_steps'][t])
        self.img_ids.extend(s['img_id'] for s in data_samples if 'img_id' in s)
        self.results.extend([None] * len(data_samples))  # sample count

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Per-key metrics. A read-out with no detections at all (mmdet's
        CocoMetric then logs an error and returns nothing) scores 0.0 on
        every metric the ANN reported: AP of an empty result is zero."""
        out: Dict[str, float] = {}
        ann_names = []
        for key, metric in self.metrics.items():
            if not metric.results:
                continue
            if hasattr(metric, 'img_ids') and self.img_ids:
                metric.img_ids = sorted(set(self.img_ids))
            values = metric.compute_metrics(metric.results)
            metric.results.clear()
            if key == 'ann':
                ann_names = list(values)
            elif not values and ann_names:
                MMLogger.get_current_instance().warning(
                    f'no detections at T={key}: reporting 0 for {ann_names}')
                values = {name: 0.0 for name in ann_names}
            for name, value in values.items():
                out[metric_key(key, name)] = value
        for t, (wake, total) in sorted(self.steps.items()):
            out[metric_key(t, 'wake_steps')] = float(wake)
            out[metric_key(t, 'total_steps')] = float(total)
        self.img_ids = []
        return out
