"""One real mmdet metric per read-out timestep (and one for the ANN)."""
import copy
import os
import os.path as osp
from typing import Dict, Iterable, Optional, Sequence, Union

from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from ...registry import METRICS
from ..curve import metric_key
from .wrapping import WrappingMetric

Key = Union[str, int]


@METRICS.register_module()
class TimestepMetric(WrappingMetric):
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

    def wrapped_metrics(self) -> Iterable[BaseMetric]:
        return getattr(self, 'metrics', {}).values()

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
        """One record per sample: each key's wrapped-metric result for it
        (what the wrapped metric's own ``process`` appended), its image id
        and the read-outs' steps, so records from several processes can be
        gathered and scored together."""
        preds = data_samples[0].get('timestep_preds', {})
        per_key = {}
        for key in ['ann', *sorted(preds)]:
            samples = data_samples if key == 'ann' else [
                dict(s, pred_instances=self._plain(s['timestep_preds'][key]))
                for s in data_samples]
            metric = self._metric(key)
            before = len(metric.results)
            metric.process(data_batch, samples)
            per_key[key] = metric.results[before:]
            del metric.results[before:]
            if len(per_key[key]) != len(data_samples):
                raise RuntimeError(
                    f'{type(metric).__name__} keeps {len(per_key[key])} '
                    f'results for {len(data_samples)} samples; '
                    'TimestepMetric needs one per sample')
        steps = {t: tuple(data_samples[0]['timestep_steps'][t])
                 for t in preds}
        for i, sample in enumerate(data_samples):
            self.results.append(dict(
                img_id=sample.get('img_id'), steps=steps,
                per_key={key: values[i] for key, values in per_key.items()}))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Per-key metrics. A read-out with no detections at all (mmdet's
        CocoMetric then logs an error and returns nothing) scores 0.0 on
        every metric the ANN reported: AP of an empty result is zero."""
        out: Dict[str, float] = {}
        ann_names = []
        img_ids = sorted({r['img_id'] for r in results
                          if r['img_id'] is not None})
        keys = ['ann', *sorted({k for r in results for k in r['per_key']
                                if k != 'ann'})]
        for key in keys:
            metric = self._metric(key)
            metric.results = [r['per_key'][key] for r in results
                              if key in r['per_key']]
            if not metric.results:
                continue
            if hasattr(metric, 'img_ids') and img_ids:
                metric.img_ids = img_ids
            values = metric.compute_metrics(metric.results)
            metric.results = []
            if key == 'ann':
                ann_names = list(values)
            elif not values and ann_names:
                MMLogger.get_current_instance().warning(
                    f'no detections at T={key}: reporting 0 for {ann_names}')
                values = {name: 0.0 for name in ann_names}
            for name, value in values.items():
                out[metric_key(key, name)] = value
        steps = results[0]['steps'] if results else {}
        for t, (wake, total) in sorted(steps.items()):
            out[metric_key(t, 'wake_steps')] = float(wake)
            out[metric_key(t, 'total_steps')] = float(total)
        return out
