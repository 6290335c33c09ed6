"""Where one simulation step's time goes (a benchmark, not a test).

    python benchmarks/step_profile.py CONFIG CHECKPOINT [--methods if_channel cif_wsc]
        [--steps 16] [--calib-batches 2]

Converts the ANN of CONFIG (a detector or classifier config of this repo, or
``mmdet::...``) with each method and runs, on one val image, the ANN forward
and ``--steps`` simulation steps of the spiking network (stage 1 for a
two-stage detector). Forward hooks time every synaptic layer (convolutions,
linear layers) and every spike-emitting module (neurons, spiking max-pools);
the rest of a step is routing, read-out accumulation and Python overhead.
Prints, per method, the ANN forward, one step, their ratio and the three
shares, all measured in this run (steady state: the first two steps are
not timed).
"""
import argparse
import time
from typing import Dict, List

import torch
from torch import nn

from spikedet.conversion.methods import resolve
from spikedet.conversion.ops import SYNAPTIC_MODULES
from spikedet.engine.calibration import calibration_batches
from spikedet.engine.spiking_config import spiking_config
from spikedet.neurons.stateful import StatefulModule, reset_states
from spikedet.models.detectors.stages import DenseStage, ProposalStage
from spikedet.registry import MODELS
from spikedet.utils.checkpoint import load_weights
from spikedet.utils.config import load_config
from spikedet.utils.setup_env import register_all_modules



class Stopwatch:
    """Seconds spent inside two kinds of module, by forward hooks."""

    def __init__(self, net: nn.Module) -> None:
        self.spent: Dict[str, float] = dict(synaptic=0.0, neurons=0.0)
        self.handles: List = []
        for module in net.modules():
            kind = 'synaptic' if isinstance(module, SYNAPTIC_MODULES) else \
                'neurons' if isinstance(module, StatefulModule) and \
                module.emits_spikes else None
            if kind is not None:
                self.handles.append(module.register_forward_pre_hook(
                    lambda m, a: setattr(m, '_t0', time.perf_counter())))
                self.handles.append(module.register_forward_hook(
                    lambda m, a, o, k=kind: self._add(k, m)))

    def _add(self, kind: str, module: nn.Module) -> None:
        self.spent[kind] += time.perf_counter() - module._t0

    def remove(self) -> None:
        for h in self.handles:
            h.remove()


def _timed(fn, repeats: int) -> float:
    for _ in range(2):
        fn()
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats


def profile(cfg, ckpt: str, method: str, steps: int, calib: int) -> Dict:
    snn_cfg = spiking_config(cfg, method, [1])
    model = MODELS.build(snn_cfg.model)
    load_weights(model.ann, ckpt)
    model.eval()
    batches = calibration_batches(cfg, model, calib)
    model.calibrate(batches)
    inputs = batches[0]['inputs'][:1]
    net = model.net
    if hasattr(model, 'two_stage'):  # a detector: its stage 1 / dense stage
        ann = (ProposalStage if model.two_stage else DenseStage)(model.ann)
    else:
        ann = model.ann.net
    with torch.no_grad():
        t_ann = _timed(lambda: ann(inputs), steps)
        reset_states(net)
        watch = Stopwatch(net)
        net(inputs)
        net(inputs)
        watch.spent = dict(synaptic=0.0, neurons=0.0)
        start = time.perf_counter()
        for _ in range(steps):
            net(inputs)
        t_step = (time.perf_counter() - start) / steps
        watch.remove()
        reset_states(net)
    shares = {k: v / steps / t_step for k, v in watch.spent.items()}
    return dict(method=method, ann=t_ann, step=t_step, **shares)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--methods', nargs='+',
                        default=['if_channel', 'cif_wsc'])
    parser.add_argument('--steps', type=int, default=16)
    parser.add_argument('--calib-batches', type=int, default=2)
    args = parser.parse_args()
    register_all_modules()
    cfg = load_config(args.config)
    print(f'{"method":<12} {"ANN fwd":>9} {"one step":>9} {"step/ANN":>9} '
          f'{"synaptic":>9} {"neurons":>8} {"other":>7}')
    for method in args.methods:
        resolve(method)
        row = profile(cfg, args.checkpoint, method, args.steps,
                      args.calib_batches)
        other = 1 - row['synaptic'] - row['neurons']
        print(f'{method:<12} {1e3 * row["ann"]:>7.1f}ms '
              f'{1e3 * row["step"]:>7.1f}ms {row["step"] / row["ann"]:>9.2f} '
              f'{100 * row["synaptic"]:>8.0f}% {100 * row["neurons"]:>7.0f}% '
              f'{100 * other:>6.0f}%', flush=True)


if __name__ == '__main__':
    main()
