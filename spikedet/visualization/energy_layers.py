"""Where the energy goes: stacked bars per block, SNN beside ANN."""
import os
from typing import Dict, List, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from ..utils.atomic_io import atomic_path  # noqa: E402
from ..errors import UserInputError  # noqa: E402
from .layer_stats import short_name  # noqa: E402

PARTS = (('synaptic', 'tab:blue'), ('neuron', 'tab:orange'),
         ('memory', 'tab:gray'))


def energy_blocks(stats: Dict, timestep: int
                  ) -> List[Tuple[str, Dict[str, float], Dict[str, float]]]:
    """``(block, SNN parts, ANN parts)`` in pJ per image at read-out
    ``timestep`` (float32 bill), from a ``stats.json``.

    Raises:
        UserInputError: The file has no energy blocks at ``timestep``.
    """
    entry = (stats.get('timesteps') or {}).get(str(timestep)) or {}
    blocks = ((entry.get('energy') or {}).get('fp32') or {}).get('blocks')
    if not blocks:
        raise UserInputError(f'no per-block energy at T = {timestep} (write '
                             'the file with tools/test.py --stats)')
    return [(name, sides['snn'], sides['ann'])
            for name, sides in blocks.items()]


def plot_energy_blocks(stats: Dict, timestep: int, path: os.PathLike,
                       title: str = '') -> None:
    """One pair of stacked horizontal bars per block (SNN above ANN:
    synaptic, neuron, memory, in uJ per image), written atomically to the
    PNG ``path``."""
    rows = energy_blocks(stats, timestep)
    height = max(4.0, 0.32 * len(rows) + 1.8)
    fig, ax = plt.subplots(figsize=(10, height), dpi=100)
    labels, ticks = [], []
    for i, (name, snn, ann) in enumerate(rows):
        for offset, side, parts in ((-0.2, 'SNN', snn), (0.2, 'ANN', ann)):
            left = 0.0
            for part, color in PARTS:
                value = parts.get(part, 0.0) * 1e-6
                ax.barh(i + offset, value, height=0.38, left=left,
                        color=color, alpha=1.0 if side == 'SNN' else 0.55,
                        label=f'{part} ({side})' if i == 0 else None)
                left += value
        ticks.append(i)
        labels.append(short_name(name, 36))
    ax.set_yticks(ticks, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel('energy per image (uJ, 45 nm, float32; per block: '
                  'SNN bar above, ANN bar below)')
    ax.grid(True, axis='x', alpha=0.3)
    ax.legend(fontsize=7, ncol=2, loc='lower right')
    total = stats['timesteps'][str(timestep)]['energy']['fp32']
    fig.suptitle(f'{title} T = {timestep}: E_tot / E_ANN '
                 f'{total["ratio"]:.3f} (compute only '
                 f'{total["compute_ratio"]:.3f})'.strip())
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format='png')
    plt.close(fig)
