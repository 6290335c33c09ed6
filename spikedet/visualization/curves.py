"""Accuracy-vs-T plots with matplotlib."""
import os
from typing import Dict

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from ..utils.atomic_io import atomic_path  # noqa: E402


def plot_curve(curve: Dict, name: str, path: os.PathLike,
               title: str = '') -> None:
    """Plot metric ``name`` against T (log2 axis), the ANN as a line.

    Args:
        curve: As returned by :func:`spikedet.evaluation.extract_curve`.
        name: Metric name (e.g. ``'top1'``, ``'bbox_mAP_50'``).
        path: PNG file, written atomically.
        title: Figure title.
    """
    ts = [t for t, v in curve['timesteps'].items() if name in v]
    ys = [curve['timesteps'][t][name] for t in ts]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.plot(ts, ys, 'o-', label='SNN')
    if name in curve['ann']:
        ax.axhline(curve['ann'][name], color='k', ls='--', label='ANN')
    if ts:
        ax.set_xscale('log', base=2)
    ax.set_xlabel('timesteps T (wake steps)')
    ax.set_ylabel(name)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format='png')
    plt.close(fig)
