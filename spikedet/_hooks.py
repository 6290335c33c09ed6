"""Run a network once with temporary forward hooks (probe passes): a
network utility that conversion and simulation share (pure torch)."""
from typing import Any, Callable, Dict

import torch
from torch import nn

from .neurons.stateful import opaque_hook, reset_states

Hook = Callable[[nn.Module, Any, Any], Any]


def probe_run(net: nn.Module, hooks: Dict[nn.Module, Hook],
              run: Callable[[], Any], grad: bool = False) -> Any:
    """Call ``run()`` with ``hooks`` as forward hooks on their modules.

    A hook reads its module's input after the module ran, so no module
    writes over its input during the probe (neurons that replaced an
    in-place activation otherwise do, see ``BaseNeuron.overwrite_input``).
    The hooks are removed, those flags restored and every stateful module
    of ``net`` is reset afterwards, even on error, so a probe leaves no
    trace.

    Args:
        net: The network (its states are reset after the run).
        hooks: ``{module: forward hook}``.
        run: Runs ``net`` once.
        grad: Run with autograd on (default: no_grad).

    Returns:
        What ``run`` returned.
    """
    overwriting = [m for m in net.modules()
                   if getattr(m, 'overwrite_input', False)]
    for module in overwriting:
        module.overwrite_input = False
    handles = [m.register_forward_hook(opaque_hook(h))
               for m, h in hooks.items()]
    try:
        with torch.set_grad_enabled(grad):
            return run()
    finally:
        for handle in handles:
            handle.remove()
        for module in overwriting:
            module.overwrite_input = True
        reset_states(net)
