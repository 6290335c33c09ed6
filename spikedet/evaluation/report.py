"""Text tables of per-timestep results."""
from typing import Dict, List, Optional

# Metric names shown in the table, in this order, when present.
COLUMNS = ('bbox_mAP', 'bbox_mAP_50', 'mAP', 'top1')
MAIN_METRICS = ('bbox_mAP_50', 'mAP', 'top1')


def main_metric(curve: Dict) -> Optional[str]:
    """The headline metric of a curve (mAP@0.5, VOC mAP or top-1)."""
    names = set(curve['ann'])
    for values in curve['timesteps'].values():
        names |= set(values)
    return next((m for m in MAIN_METRICS if m in names), None)


def format_curve_table(curve: Dict) -> str:
    """Rows of T, wake / total steps and each metric; the ANN last."""
    names: List[str] = [c for c in COLUMNS
                        if any(c in v for v in curve['timesteps'].values())]
    head = f'{"T":>5} {"wake":>5} {"total":>6} ' + ' '.join(
        f'{n:>11}' for n in names)
    lines = [head, '-' * len(head)]
    for t, values in curve['timesteps'].items():
        wake = int(values.get('wake_steps', t))
        total = int(values.get('total_steps', t))
        cells = ' '.join(f'{values[n]:>11.4f}' if n in values else
                         f'{"-":>11}' for n in names)
        lines.append(f'{t:>5} {wake:>5} {total:>6} {cells}')
    if curve['ann']:
        cells = ' '.join(f'{curve["ann"][n]:>11.4f}' if n in curve['ann']
                         else f'{"-":>11}' for n in names)
        lines.append(f'{"ANN":>5} {"-":>5} {"-":>6} {cells}')
    return '\n'.join(lines)
