"""The figures of a ``stats.json``: per-layer spikes and per-block energy."""
import os
import os.path as osp
from typing import Dict, List, Optional

from .energy_layers import plot_energy_blocks
from .layer_stats import plot_layer_stats


def write_stats_figures(stats: Dict, directory: os.PathLike,
                        timestep: Optional[int] = None,
                        title: str = '') -> List[str]:
    """Write ``layers_T<t>.png`` (firing rate and SOPs per spiking layer)
    and ``energy_T<t>.png`` (synaptic, neuron and memory energy per block,
    SNN beside ANN) into ``directory``, at read-out ``timestep`` (default:
    the largest); the energy figure only where the file has the bill.

    Returns:
        The paths written.
    """
    t = timestep or max(int(k) for k in stats['timesteps'])
    layers = osp.join(directory, f'layers_T{t}.png')
    plot_layer_stats(stats, t, layers, title=title)
    written = [layers]
    if 'energy' in stats['timesteps'][str(t)]:
        path = osp.join(directory, f'energy_T{t}.png')
        plot_energy_blocks(stats, t, path, title=title)
        written.append(path)
    return written
