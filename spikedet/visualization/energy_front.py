"""Accuracy against energy: every method's curve on one model's axes."""
import os
from typing import Dict, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from ..utils.atomic_io import atomic_path  # noqa: E402

# A curve per method: (label, [(energy ratio, metric) per read-out T]).
Front = Sequence[Tuple[str, Sequence[Tuple[float, float]]]]


def plot_energy_fronts(panels: Dict[str, Tuple[Front, float]], metric: str,
                       path: os.PathLike) -> None:
    """One panel per model: each method's metric against E / E_ANN over
    its read-outs (log axis), the ANN as the point (1, its metric); a
    method left of 1 and near the ANN's line is cheaper at that accuracy.

    Args:
        panels: ``{model name: (front, ANN metric)}``.
        metric: The y-axis label (e.g. ``'mAP@0.5'``).
        path: PNG file, written atomically.
    """
    fig, axes = plt.subplots(1, max(len(panels), 1),
                             figsize=(5.5 * max(len(panels), 1), 4.5),
                             dpi=100, squeeze=False)
    for ax, (name, (front, ann)) in zip(axes[0], panels.items()):
        colours = plt.get_cmap('tab20').colors
        for index, (label, points) in enumerate(front):
            points = sorted(p for p in points if p[0] > 0)
            if points:  # 13+ methods: 20 colours, two line styles
                ax.plot(*zip(*points), marker='o', ms=3,
                        ls='-' if index % 2 == 0 else '--',
                        color=colours[index % len(colours)], label=label)
        ax.plot([1.0], [ann], 'k*', ms=12, label='ANN')
        ax.axhline(0.99 * ann, color='k', ls=':', lw=1)
        ax.axvline(1.0, color='k', ls='--', lw=1)
        ax.set_xscale('log')
        ax.set_xlabel('E / E_ANN, compute only (synaptic operations and '
                      'MACs, 45 nm; memory traffic in the table)')
        ax.set_ylabel(metric)
        ax.set_title(name)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format='png')
    plt.close(fig)
