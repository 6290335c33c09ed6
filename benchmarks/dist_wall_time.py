"""Wall time of ``tools/test.py`` in one process against N processes of
``tools/dist_test.sh`` (a benchmark, not a test).

    python benchmarks/dist_wall_time.py [CONFIG CHECKPOINT] \
        [--procs 2] [--images 24] [--snn if_channel] [--timesteps 1 4 16]

Both runs evaluate the same first ``--images`` val images, one per batch,
with the same method and read-outs, every process with one intra-op thread
(``OMP_NUM_THREADS=1``: the same float summation order, so the per-T
metrics can be compared exactly; the speed-up is that of N processes over
one on N cores); both include start-up, calibration and the ANN
reference. Prints the wall times side by side, the speed-up, and whether
the per-T metrics agree. Everything printed is measured in this run.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args, procs: int, work: Path) -> dict:
    options = ['--snn', args.snn, '--timesteps', *map(str, args.timesteps),
               '--work-dir', str(work), '--cfg-options',
               f'test_dataloader.dataset.indices={args.images}',
               # One image per batch: a batch pads its images to a common
               # size, and the padding changes what the border neurons see,
               # so batches made differently per process would not compare.
               'test_dataloader.batch_size=1']
    # One intra-op thread per process in both runs: a different thread
    # count changes the convolutions' summation order, hence float
    # rounding, hence a few spikes at the threshold, and the curves would
    # not compare bit for bit.
    env = dict(os.environ, OMP_NUM_THREADS='1',
               PYTHONPATH=f"{ROOT}:{os.environ.get('PYTHONPATH', '')}")
    if procs == 1:
        command = [sys.executable, 'tools/test.py', args.config,
                   args.checkpoint, *options]
    else:
        command = [sys.executable, '-m', 'torch.distributed.run',
                   f'--nproc_per_node={procs}', '--master_port=29517',
                   'tools/test.py', args.config, args.checkpoint,
                   '--launcher', 'pytorch', *options]
    start = time.perf_counter()
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True,
                         text=True)
    seconds = time.perf_counter() - start
    if out.returncode:
        sys.exit(f'{procs} process(es) failed:\n{out.stderr[-2000:]}')
    metrics = json.loads(next(work.rglob('metrics.json')).read_text())
    return dict(seconds=seconds, metrics=metrics)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?',
                        default='configs/yolov3/yolov3_mbv2_shapes.py')
    parser.add_argument('checkpoint', nargs='?',
                        default='data/checkpoints/yolov3_mbv2_shapes.pth')
    parser.add_argument('--procs', type=int, default=2)
    parser.add_argument('--images', type=int, default=24)
    parser.add_argument('--snn', default='if_channel')
    parser.add_argument('--timesteps', type=int, nargs='+',
                        default=[1, 4, 16])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one = run(args, 1, Path(tmp) / 'one')
        many = run(args, args.procs, Path(tmp) / 'many')
    print(f'{args.config}, {args.images} val images, {args.snn}, '
          'one thread per process, '
          f'T = {args.timesteps}, {os.cpu_count()} cores')
    print('| processes | wall time (s) |')
    print('|---|---|')
    print(f"| 1 | {one['seconds']:.1f} |")
    print(f"| {args.procs} | {many['seconds']:.1f} |")
    differ = sorted(k for k in set(one['metrics']) | set(many['metrics'])
                    if one['metrics'].get(k) != many['metrics'].get(k))
    print(f"speed-up {one['seconds'] / many['seconds']:.2f}x; per-T metrics "
          + ('identical' if not differ else f"DIFFER in {', '.join(differ)}"))


if __name__ == '__main__':
    main()
