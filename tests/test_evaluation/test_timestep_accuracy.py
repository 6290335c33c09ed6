import torch

from spikedet.evaluation import (TimestepAccuracy, extract_curve,
                                 first_reaching)
from spikedet.evaluation.report import format_curve_table, main_metric


def test_accuracy_per_t_and_curve():
    metric = TimestepAccuracy()
    metric.dataset_meta = {}
    eye = torch.eye(3)
    samples = [dict(gt_label=0, pred_scores={'ann': eye[0], 1: eye[1],
                                             4: eye[0]},
                    steps={1: (1, 1), 4: (4, 60)}),
               dict(gt_label=2, pred_scores={'ann': eye[2], 1: eye[2],
                                             4: eye[2]},
                    steps={1: (1, 1), 4: (4, 60)})]
    metric.process({}, samples)
    result = metric.evaluate(2)
    assert result['cls/ann/top1'] == 100.0
    assert result['cls/T1/top1'] == 50.0
    assert result['cls/T4/top1'] == 100.0
    assert result['cls/T4/total_steps'] == 60.0
    curve = extract_curve(result)
    assert list(curve['timesteps']) == [1, 4]
    assert first_reaching(curve, 'top1', 0.99) == 4
    assert main_metric(curve) == 'top1'
    table = format_curve_table(curve)
    assert '    4     4     60    100.0000' in table
    assert table.splitlines()[-1].startswith('  ANN')
