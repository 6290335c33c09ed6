"""Memory and time of the simulator against T (a benchmark, not a test).

    python benchmarks/simulation_cost.py [--width 16] [--batch 32]

For the ResNet-18 classifier (CIFAR form) converted with the IF method:

1. peak memory of one simulation at T = 8 and at T = 256, each measured in a
   fresh subprocess as the rise of the process's peak RSS (ru_maxrss) over its
   level just before the simulation starts;
2. the wall time of ONE pass reading out at T = 1, 2, 4, ..., 256 next to the
   wall time of a pass reading out at T = 256 only.

Everything printed is measured on this machine in this run.
"""
import argparse
import json
import resource
import subprocess
import sys
import time

import torch


def build_snn(width: int, batch: int):
    from spikedet.conversion import convert
    from spikedet.models.backbones import ResNet18Cifar
    from spikedet.models.classifiers import ClassifierNet
    torch.manual_seed(0)
    net = ClassifierNet(ResNet18Cifar(width), 6).eval()
    x = torch.randn(batch, 3, 32, 32)
    return convert(net, [x]), x


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(timesteps: int, width: int, batch: int) -> None:
    from spikedet.simulation import simulate
    snn, x = build_snn(width, batch)
    simulate(snn, x, [1])  # warm-up: allocator, lazy state
    before = peak_rss_mb()
    simulate(snn, x, [timesteps])
    print(json.dumps(dict(T=timesteps, before_mb=before,
                          peak_mb=peak_rss_mb())))


def measure_memory(timesteps: int, width: int, batch: int) -> dict:
    out = subprocess.run([sys.executable, __file__, '--child',
                          str(timesteps), '--width', str(width), '--batch',
                          str(batch)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_time(width: int, batch: int) -> dict:
    from spikedet.simulation import simulate
    snn, x = build_snn(width, batch)
    series = [2**k for k in range(9)]
    simulate(snn, x, [2])  # warm-up
    start = time.perf_counter()
    simulate(snn, x, series)
    curve = time.perf_counter() - start
    start = time.perf_counter()
    simulate(snn, x, [256])
    alone = time.perf_counter() - start
    return dict(curve=curve, alone=alone)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--child', type=int)
    parser.add_argument('--width', type=int, default=16)
    parser.add_argument('--batch', type=int, default=32)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.width, args.batch)
        return
    print(f'ResNet-18 (CIFAR form, width {args.width}), IF, batch '
          f'{args.batch} of 32x32, {torch.get_num_threads()} threads')
    rows = [measure_memory(t, args.width, args.batch) for t in (8, 256)]
    for row in rows:
        rise = row['peak_mb'] - row['before_mb']
        print(f'T={row["T"]:>3}: peak RSS {row["peak_mb"]:.1f} MB '
              f'(rise during the simulation {rise:.1f} MB)')
    a, b = rows
    print(f'peak RSS T=256 vs T=8: {100 * (b["peak_mb"] / a["peak_mb"] - 1):+.2f} %')
    times = measure_time(args.width, args.batch)
    print(f'one pass reading out at T=1,2,4,...,256: {times["curve"]:.2f} s; '
          f'T=256 alone: {times["alone"]:.2f} s '
          f'(ratio {times["curve"] / times["alone"]:.3f})')


if __name__ == '__main__':
    main()
