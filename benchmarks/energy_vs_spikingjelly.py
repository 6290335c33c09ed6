"""spikedet's synaptic operations and energy bill against SpikingJelly 2.0.0's
operation counter, on the same spikes (a benchmark, not a test; SpikingJelly
is not a dependency of spikedet).

    pip install --target /tmp/sjlib spikingjelly==2.0.0 loguru requests tqdm
    PYTHONPATH=/tmp/sjlib python benchmarks/energy_vs_spikingjelly.py \
        [--timesteps 8] [--batch 2] [--size 64]

spikedet converts torchvision's ResNet-18 (random weights, BatchNorm
statistics set on random images) with IF neurons and simulates it for T
steps under its ``SpikeMonitor``. Every synaptic layer's input at every step
is recorded; SpikingJelly's ``SynOpCounter`` and ``SimpleEnergyProfiler``
(float32 costs) then count the same layer calls, each spike tensor given
as the binary tensor of where a spike is (spikedet's neurons emit the
threshold, SpikingJelly's counters recognise spikes only as 0 / 1). Prints
per layer both synaptic operation counts and side by side both energy
estimates with their parts; everything printed is measured in this run.
"""
import argparse
from collections import defaultdict
from typing import Dict, List, Tuple

import torch
import torchvision
from torch import Tensor, nn


def _normalised(calib: Tensor) -> nn.Module:
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=10)
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.momentum = None
    model.train()
    with torch.no_grad():
        model(calib)
    return model.eval()


def _simulate_and_record(snn: nn.Module, x: Tensor, timesteps: int):
    """Our counts and bill, and every synaptic layer call's input."""
    from spikedet.conversion.ops import SYNAPTIC_MODULES
    from spikedet.simulation import SpikeMonitor, energy_bill, simulate
    calls: List[Tuple[str, nn.Module, Tensor]] = []

    def record(name):
        def hook(module, args):
            calls.append((name, module, args[0].detach().clone()))
        return hook

    monitor = SpikeMonitor(snn)
    monitor.probe(lambda: snn(x))
    handles = [m.register_forward_pre_hook(record(n))
               for n, m in snn.named_modules()
               if isinstance(m, SYNAPTIC_MODULES)]
    try:
        with monitor:
            simulate(snn, x, [timesteps])
            snap = monitor.snapshot()
    finally:
        for handle in handles:
            handle.remove()
    return snap, energy_bill(snap, images=x.shape[0]), monitor, calls


def _spikingjelly_counts(snn: nn.Module, calls, analog: set):
    """Per layer SynOps (SpikingJelly's counter, spike tensors binarised)
    and SpikingJelly's simple energy report of the same calls."""
    from spikingjelly.activation_based.op_counter import (
        DispatchCounterMode, SimpleEnergyProfiler, SynOpCounter)
    synops: Dict[str, int] = defaultdict(int)
    inputs = []
    for name, module, x in calls:
        binary = x if name in analog else x.ne(0).to(x.dtype)
        inputs.append((module, binary))
        counter = SynOpCounter()
        with torch.no_grad(), DispatchCounterMode([counter]):
            module(binary)
        synops[name] += int(counter.get_total())
    profiler = SimpleEnergyProfiler()
    profiler.bind_model(snn)
    with torch.no_grad(), profiler:
        for module, binary in inputs:
            module(binary)
    return synops, profiler.get_report()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--timesteps', type=int, default=8)
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--size', type=int, default=64)
    args = parser.parse_args()
    from spikedet.conversion import convert
    g = torch.Generator().manual_seed(1)
    calib = torch.randn(args.batch * 2, 3, args.size, args.size, generator=g)
    x = torch.randn(args.batch, 3, args.size, args.size, generator=g)
    snn = convert(_normalised(calib), [calib], 'if', percentile=99.9)
    snap, bill, monitor, calls = _simulate_and_record(snn, x, args.timesteps)
    analog = set(monitor.analog)
    # Per call reading spikes directly (not the image, not the pooled fc
    # input), the distinct non-zero magnitudes: 1 where every spike is the
    # layer's threshold (binarising loses nothing).
    levels = max(int(t.abs()[t != 0].round(decimals=4).unique().numel())
                 for name, _, t in calls if name not in analog | {'fc'})
    synops, report = _spikingjelly_counts(snn, calls, analog)
    ours_total = sum(c.sops for c in snap.layers.values())
    theirs_total = sum(synops.values())
    print(f'torchvision ResNet-18 (random weights), {args.batch} images of '
          f'{args.size} px, T = {args.timesteps}, IF neurons (spikedet '
          f"'if', 99.9 % thresholds); {len(calls)} layer calls recorded; "
          f'at most {levels} distinct spike magnitude(s) per call of a '
          f'layer reading spikes (analog input layer: '
          f'{", ".join(sorted(analog))}; fc reads the average pool)')
    print('\n| count | spikedet | SpikingJelly 2.0.0 |\n|---|---|---|')
    print(f'| synaptic operations, all layers | {ours_total:.6g} | '
          f'{theirs_total:.6g} |')
    # spikedet charges a spike reaching the classifier through the average
    # pool as one operation per non-zero weight; SpikingJelly sees the
    # pooled (non-binary) input and counts MACs there.
    last = list(snap.layers)[-1]
    print(f'| synaptic operations, without the spikes into avgpool -> fc '
          f'(spikedet: `{last}`) | {ours_total - snap.layers[last].sops:.6g}'
          f' | {theirs_total - synops.get("fc", 0):.6g} |')
    fp32 = bill
    print('\n| energy per image (uJ) | spikedet, whole bill | SpikingJelly '
          'SimpleEnergy (fp32) |\n|---|---|---|')
    n = args.batch
    sj = dict(compute=report.energy_compute_pj / n,
              memory=report.energy_memory_pj / n,
              total=report.energy_total_pj / n)
    ours = dict(compute=fp32['snn']['synaptic'],
                memory=fp32['snn']['memory'] + fp32['snn']['neuron'],
                total=fp32['snn']['total'])
    for key, label in (('compute', 'compute (ACs and MACs)'),
                       ('memory', 'memory (spikedet: and neuron updates)'),
                       ('total', 'total')):
        print(f'| {label} | {ours[key] * 1e-6:.4g} | {sj[key] * 1e-6:.4g} |')
    print('\nspikedet parts (uJ per image): ' + ', '.join(
        f'{k} {v * 1e-6:.4g}' for k, v in fp32['snn'].items()) +
        f'; its ANN: {fp32["ann"]["total"] * 1e-6:.4g}, E_tot / E_ANN '
        f'{fp32["ratio"]:.3f} (compute only {fp32["compute_ratio"]:.3f})')
    print('SpikingJelly report: ' + ', '.join(
        f'{k}={v}' for k, v in vars(report).items()
        if isinstance(v, (int, float))))


if __name__ == '__main__':
    main()
