"""Per-layer spike statistics as bar charts with matplotlib."""
import os
from typing import Dict, List, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from ..utils.atomic_io import atomic_path  # noqa: E402
from ..errors import UserInputError  # noqa: E402


def layer_rows(stats: Dict, timestep: int) -> List[Tuple[str, float, float]]:
    """``(layer, firing rate, SOPs per image)`` of every spiking layer at
    read-out ``timestep``, in network order, from a ``stats.json``
    (:class:`~spikedet.simulation.TimestepStatistics` output).

    Raises:
        UserInputError: The file has no statistics at ``timestep``.
    """
    per_t = stats.get('timesteps') or {}
    entry = per_t.get(str(timestep))
    if entry is None:
        raise UserInputError(
            f'no statistics at T = {timestep}; the file has T = '
            f'{", ".join(per_t) or "none"}')
    return [(name, float(layer.get('firing_rate', 0.0)),
             float(layer.get('sops', 0.0)))
            for name, layer in entry.get('layers', {}).items()]


def plot_layer_stats(stats: Dict, timestep: int, path: os.PathLike,
                     title: str = '') -> None:
    """Two bar charts, firing rate and SOPs per image, one bar per spiking
    layer (input side at the top), written atomically to the PNG ``path``.
    """
    rows = layer_rows(stats, timestep)
    if not rows:
        raise UserInputError(f'no per-layer statistics at T = {timestep}')
    names = [short_name(name) for name, _, _ in rows]
    height = max(4.0, 0.16 * len(rows) + 1.5)
    fig, (rate_ax, sop_ax) = plt.subplots(1, 2, figsize=(12, height),
                                          dpi=100, sharey=True)
    positions = range(len(rows))
    rate_ax.barh(positions, [r for _, r, _ in rows], color='tab:blue')
    sop_ax.barh(positions, [s for _, _, s in rows], color='tab:orange')
    rate_ax.set_yticks(list(positions), names, fontsize=6)
    rate_ax.invert_yaxis()
    rate_ax.set_xlabel('firing rate (spikes per neuron per step)')
    sop_ax.set_xlabel('synaptic operations per image')
    for ax in (rate_ax, sop_ax):
        ax.grid(True, axis='x', alpha=0.3)
    fig.suptitle(f'{title} T = {timestep}'.strip())
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format='png')
    plt.close(fig)


def short_name(name: str, width: int = 48) -> str:
    """A layer path cut from the left to ``width`` characters."""
    return name if len(name) <= width else '...' + name[-(width - 3):]
