"""Top-1 accuracy of an ANN and of an SNN at every read-out timestep."""
from collections import defaultdict
from typing import Dict, List, Sequence

from ...registry import METRICS
from ..curve import metric_key
from .gather import GatheredMetric


@METRICS.register_module()
class TimestepAccuracy(GatheredMetric):
    """Top-1 accuracy per read-out.

    Each prediction carries ``pred_scores = {key: scores}`` where ``key`` is
    ``'ann'`` or a timestep T, and optionally ``steps = {T: (wake, total)}``.
    Results: ``ann/top1`` and ``T<t>/top1`` in percent, plus
    ``T<t>/wake_steps`` and ``T<t>/total_steps``.
    """
    default_prefix = 'cls'

    def process(self, data_batch, data_samples: Sequence[Dict]) -> None:
        for sample in data_samples:
            hits = {key: int(int(scores.argmax()) == sample['gt_label'])
                    for key, scores in sample['pred_scores'].items()}
            self.results.append(dict(hits=hits,
                                     steps=sample.get('steps', {})))

    def compute_metrics(self, results: List[Dict]) -> Dict[str, float]:
        totals: Dict = defaultdict(int)
        for result in results:
            for key, hit in result['hits'].items():
                totals[key] += hit
        metrics = {metric_key(key, 'top1'): 100.0 * hits / len(results)
                   for key, hits in totals.items()}
        for t, (wake, total) in (results[0]['steps'] if results else {}).items():
            metrics[metric_key(t, 'wake_steps')] = float(wake)
            metrics[metric_key(t, 'total_steps')] = float(total)
        return metrics
