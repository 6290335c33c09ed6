"""Collecting a metric's results from every process, shards of any size."""
from typing import Dict, List

from mmengine.dist import (all_gather_object, broadcast_object_list,
                           get_world_size, is_main_process)
from mmengine.evaluator import BaseMetric


def gather_results(results: List, size: int) -> List:
    """Every process's ``results`` in one list (on every process).

    Shards of equal length come from a padding sampler (mmengine's
    ``DefaultSampler``, ``round_up=True``): they are interleaved in sample
    order and cut at ``size``, dropping the padding, as mmengine's
    ``collect_results`` does. Shards of different lengths come from a
    sampler without padding (``round_up=False``, what ``tools/test.py``
    uses for spiking runs, so no sample is simulated twice and the spike
    statistics are exact): they are concatenated, all of them.
    """
    if get_world_size() == 1:
        return list(results)
    parts = all_gather_object(list(results))
    if len({len(p) for p in parts}) == 1:
        return [r for group in zip(*parts) for r in group][:size]
    return [r for part in parts for r in part]


class GatheredMetric(BaseMetric):
    """A :class:`BaseMetric` whose ``evaluate`` gathers shards of any
    length (see :func:`gather_results`), computes on the main process and
    broadcasts the metrics."""

    def evaluate(self, size: int) -> Dict[str, float]:
        results = gather_results(self.results, size)
        metrics = [None]
        if is_main_process():
            values = self.compute_metrics(results)
            if self.prefix:
                values = {f'{self.prefix}/{k}': v for k, v in values.items()}
            metrics = [values]
        broadcast_object_list(metrics)
        self.results.clear()
        return metrics[0]
