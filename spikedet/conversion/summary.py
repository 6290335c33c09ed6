"""A table of the spiking layers of a converted network."""
from typing import Dict, List

from torch import nn

from ..neurons import (BaseNeuron, CompensatedOp, ReadoutDelay,
                       SpikingMaxPool2d)


def spiking_layers(net: nn.Module) -> List[Dict]:
    """One row per neuron layer or spiking max-pool, in module order.

    Returns:
        Dicts with ``path``, ``type``, ``theta_min``, ``theta_max`` and
        ``channels`` (1 for a layer-wise threshold; None for pools). The
        signed neurons of identity sites (at a synaptic layer's input, path
        ``<layer>.spikedet_input.sites.<call>``) say so in ``type``; their
        threshold columns give the positive side. A rate-exact function
        has a row naming it, an analog island (a normalisation, a softmax)
        with its work per element and wake step. A network with an
        evaluation delay has a row saying it.
    """
    rows = []
    for path, module in net.named_modules():
        if isinstance(module, BaseNeuron):
            theta = module.threshold
            kind = type(module).__name__
            if module.spike_filter is not None:
                kind += '+' + type(module.spike_filter).__name__
            if module.neg_threshold is not None:
                kind += ' (identity site)'
            rows.append(dict(path=path, type=kind,
                             theta_min=float(theta.min()),
                             theta_max=float(theta.max()),
                             channels=int(theta.numel())))
        elif isinstance(module, SpikingMaxPool2d):
            rows.append(dict(path=path, type=type(module).__name__,
                             theta_min=None, theta_max=None, channels=None))
        elif isinstance(module, CompensatedOp):
            kind = (f'analog island: {module.name} ({_work(module)})'
                    if module.analog_work else f'rate-exact {module.name}')
            rows.append(dict(path=path, type=kind, theta_min=None,
                             theta_max=None, channels=None))
        elif isinstance(module, ReadoutDelay):
            rows.append(dict(path=path, type=f'delayed evaluation: t0 = '
                             f'{module.readout_delay()} steps',
                             theta_min=None, theta_max=None, channels=None))
    return rows


def format_spiking_layers(rows: List[Dict]) -> str:
    """Render :func:`spiking_layers` as a fixed-width text table."""
    width = max([len(r['path']) for r in rows] + [6])
    lines = [f'{"module":<{width}}  {"neuron":<36} {"threshold":>21}',
             '-' * (width + 60)]
    for r in rows:
        if r['theta_min'] is None:
            theta = '-'
        elif r['channels'] == 1:
            theta = f'{r["theta_min"]:.4g}'
        else:
            theta = (f'{r["theta_min"]:.3g}..{r["theta_max"]:.3g} '
                     f'(x{r["channels"]})')
        lines.append(f'{r["path"]:<{width}}  {r["type"]:<36} {theta:>21}')
    return '\n'.join(lines)


def _work(island: CompensatedOp) -> str:
    """An island's analog work as the summary states it."""
    if hasattr(island.fn, 'last_work'):  # attention: from its shapes
        return 'work from its shapes at every step, see conversion/attention.py'
    return f'{island.analog_work:g} ops / element / step'
