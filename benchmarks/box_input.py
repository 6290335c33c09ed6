"""A two-stage detector's box head driven by the pooled neck read-out
against the lockstep pass (a benchmark, not a test).

    python benchmarks/box_input.py [CONFIG CHECKPOINT] [--method cif_wsc_l4] \
        [--images 12] [--timesteps 2 4 8]

Converts once with ``tools/convert.py``, then runs ``tools/test.py --stats``
on the same converted network and the same first ``--images`` val images
with ``model.box_input=readout`` and ``model.box_input=lockstep``
(:class:`spikedet.models.SpikingDetector`). Prints, side by side per T,
mAP@0.5, total steps, SOPs per image, E / E_ANN and each run's wall time.
Everything printed is measured in this run.
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
MODES = ('readout', 'lockstep')


def tool(args, log: Path) -> float:
    """Run a tool from the repository root; its wall time in seconds."""
    env = dict(os.environ,
               PYTHONPATH=f"{ROOT}:{os.environ.get('PYTHONPATH', '')}")
    start = time.perf_counter()
    with open(log, 'w') as out:
        code = subprocess.call([sys.executable, *args], cwd=ROOT, env=env,
                               stdout=out, stderr=subprocess.STDOUT)
    if code:
        sys.exit(f'{args[0]} failed; see {log}')
    return time.perf_counter() - start


def run(args, snn: Path, mode: str, work: Path) -> dict:
    work.mkdir()
    seconds = tool(['tools/test.py', str(snn / 'config.py'),
                    str(snn / 'snn.pth'), '--stats', '--work-dir', str(work),
                    '--cfg-options', f'model.box_input={mode}',
                    f'test_dataloader.dataset.indices={args.images}'],
                   work / 'test.log')
    metrics = json.loads((work / 'metrics.json').read_text())
    stats = json.loads((work / 'stats.json').read_text())['timesteps']
    return dict(seconds=seconds, metrics=metrics, stats=stats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?', default=(
        'configs/faster_rcnn/faster-rcnn_r18_fpn_shapes_casc-l4.py'))
    parser.add_argument('checkpoint', nargs='?', default=(
        'data/checkpoints/faster-rcnn_r18_fpn_shapes_casc-l4.pth'))
    parser.add_argument('--method', default='cif_wsc_l4')
    parser.add_argument('--images', type=int, default=12)
    parser.add_argument('--timesteps', type=int, nargs='+',
                        default=[2, 4, 8])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        snn = Path(tmp) / 'snn'
        tool(['tools/convert.py', args.config, args.checkpoint, '--method',
              args.method, '--calib-batches', '5', '--out', str(snn),
              '--timesteps', *map(str, args.timesteps)], Path(tmp) / 'c.log')
        runs = {mode: run(args, snn, mode, Path(tmp) / mode)
                for mode in MODES}
    print(f'{args.config}, {args.method}, first {args.images} val images, '
          f'{os.cpu_count()} cores')
    print('| T | box_input | mAP@0.5 | total steps | SOPs / image | '
          'E / E_ANN |')
    print('|---|---|---|---|---|---|')
    for t in args.timesteps:
        for mode in MODES:
            m, s = runs[mode]['metrics'], runs[mode]['stats'][str(t)]
            print(f"| {t} | {mode} | {m[f'coco/T{t}/bbox_mAP_50']:.3f} | "
                  f"{m[f'coco/T{t}/total_steps']:.0f} | {s['sops']:.3g} | "
                  f"{s['energy_ratio']:.3f} |")
    print('wall time (s): ' + ', '.join(
        f"{mode} {runs[mode]['seconds']:.0f}" for mode in MODES))


if __name__ == '__main__':
    main()
