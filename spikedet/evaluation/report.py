"""Text tables of per-timestep results."""
from typing import Dict, List, Optional

# Metric names shown in the table, in this order, when present.
COLUMNS = ('bbox_mAP', 'bbox_mAP_50', 'mAP', 'top1')
MAIN_METRICS = ('bbox_mAP_50', 'mAP', 'top1')
# Efficiency columns (tools/test.py --stats): key, header, width, format.
# E/E_ANN: compute only; E_tot: with neuron updates and memory traffic,
# against the float32 ANN and (both sides int8) the int8 ANN.
STATS_COLUMNS = (('sops', 'SOPs/img', 10, '.3e'),
                 ('firing_rate', 'rate', 7, '.4f'),
                 ('energy_ratio', 'E/E_ANN', 8, '.3f'),
                 ('energy_ratio_total', 'E_tot/E_ANN', 11, '.3f'),
                 ('energy_ratio_int8', 'E_tot/E_int8', 12, '.3f'))


def add_statistics(curve: Dict, report: Dict) -> Dict:
    """Copy per-T totals of a :class:`TimestepStatistics` report into the
    curve's rows (SOPs, analog and ANN MACs per image, firing rate, energy
    relative to the ANN, compute only and whole, SIN fraction)."""
    for t, row in report['timesteps'].items():
        rows = curve['timesteps']
        values = rows.get(int(t), rows.get(str(t)))
        if values is not None:
            for key in (*(c[0] for c in STATS_COLUMNS), 'sin_fraction',
                        'analog_macs', 'ann_macs'):
                if key in row:  # a hand-made report may carry fewer
                    values[key] = row[key]
    return curve


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
    stats = [c for c in STATS_COLUMNS
             if any(c[0] in v for v in curve['timesteps'].values())]
    head = f'{"T":>5} {"wake":>5} {"total":>6} ' + ' '.join(
        f'{n:>11}' for n in names) + ''.join(
            f' {h:>{w}}' for _, h, w, _ in stats)
    lines = [head, '-' * len(head)]
    for t, values in curve['timesteps'].items():
        wake = int(values.get('wake_steps', t))
        total = int(values.get('total_steps', t))
        cells = ' '.join(f'{values[n]:>11.4f}' if n in values else
                         f'{"-":>11}' for n in names)
        cells += ''.join(f' {values[k]:>{w}{spec}}' if k in values else
                         f' {"-":>{w}}' for k, _, w, spec in stats)
        lines.append(f'{t:>5} {wake:>5} {total:>6} {cells}')
    if curve['ann']:
        cells = ' '.join(f'{curve["ann"][n]:>11.4f}' if n in curve['ann']
                         else f'{"-":>11}' for n in names)
        lines.append(f'{"ANN":>5} {"-":>5} {"-":>6} {cells}')
    return '\n'.join(lines)
