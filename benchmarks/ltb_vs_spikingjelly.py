"""spikedet's LTB against SpikingJelly 2.0.0's LTB recipe on the trained
shapes ResNet-18 classifier: top-1 against T, side by side, same data
(a benchmark, not a test; SpikingJelly is not a dependency of spikedet).

    python benchmarks/ltb_vs_spikingjelly.py [--calib-batches 5]
        [--batch 64] [--updates 1000] [--every 3]
        [--timesteps 1 2 4 ... 256] [--sj-path ~/.cache/spikedet/spikingjelly]

SpikingJelly is imported from ``--sj-path``, installed there by pip on
first use (``spikingjelly==2.0.0`` and the few packages its converter
imports; torch is the environment's).

Both convert the checkpoint's ANN (``data/checkpoints/resnet18_shapes.pth``)
from the same calibration batches (the first ``--calib-batches`` batches of
the train split, unaugmented) and simulate the same val crops (every
``--every``-th, every class in proportion); a read-out at T averages the
output of steps 1..T. Columns:

* SpikingJelly: ``LocalThresholdBalancingRecipe``, which makes one
  threshold update per batch of its dataloader, given the calibration
  batches cycled to ``--updates`` batches; half-threshold IF neurons;
* spikedet, same rule: ``ltb`` with ``iterations=--updates`` (the same
  batches cycled) and ``delayed_evaluation=False``: the same updates on
  the same batches, so the two should agree to float rounding;
* spikedet ``ltb`` as shipped (``--updates`` iterations, 1,000 by
  default, and delayed evaluation: its read-out at T leaves out the fill
  time t0).

Everything printed is measured in this run.
"""
import argparse
import importlib
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Sequence

import torch

CONFIG = 'configs/classification/resnet18_shapes.py'
CHECKPOINT = 'data/checkpoints/resnet18_shapes.pth'
TIMESTEPS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
# SpikingJelly and what its converter imports, beside torch (never
# reinstalled: --no-deps).
PACKAGES = ('spikingjelly==2.0.0', 'loguru', 'tqdm', 'requests', 'urllib3',
            'idna', 'charset-normalizer', 'certifi')


def _spikingjelly(path: str):
    """SpikingJelly's ann2snn, installed into ``path`` if missing."""
    if path not in sys.path:
        sys.path.insert(0, path)
    try:
        from spikingjelly.activation_based import ann2snn, functional
    except ImportError:
        subprocess.run([sys.executable, '-m', 'pip', 'install', '-q',
                        '--target', path, '--no-deps', *PACKAGES], check=True)
        importlib.invalidate_caches()
        from spikingjelly.activation_based import ann2snn, functional
    return ann2snn, functional


def _model_and_data(calib_batches: int, batch: int, every: int):
    """The ANN, calibration inputs and ``(val inputs, labels)`` batches,
    preprocessed as the tools do."""
    from mmengine.config import Config
    from mmengine.runner import Runner

    from spikedet.registry import MODELS
    from spikedet.utils.checkpoint import load_weights
    from spikedet.utils.setup_env import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(CONFIG)
    model = MODELS.build(cfg.model).eval()
    load_weights(model, CHECKPOINT)
    train = dict(cfg.train_dataloader, batch_size=batch, num_workers=0,
                 persistent_workers=False,
                 sampler=dict(type='DefaultSampler', shuffle=False))
    train['dataset'] = dict(train['dataset'],
                            pipeline=cfg.test_dataloader.dataset.pipeline)
    val = dict(cfg.test_dataloader, batch_size=batch, num_workers=0,
               persistent_workers=False,
               sampler=dict(type='StridedSampler', stride=every))
    calib = []
    for k, data in enumerate(Runner.build_dataloader(train)):
        if k == calib_batches:
            break
        calib.append(model.data_preprocessor(data)['inputs'])
    evaluation = []
    for data in Runner.build_dataloader(val):
        data = model.data_preprocessor(data)
        labels = torch.tensor([int(s.gt_label)
                               for s in data['data_samples']])
        evaluation.append((data['inputs'], labels))
    return model.net, calib, evaluation


def _top1_spikedet(snn, evaluation, timesteps: Sequence[int]) -> Dict:
    from spikedet.simulation import simulate
    correct = {t: 0 for t in timesteps}
    for x, labels in evaluation:
        for t, readout in simulate(snn, x, timesteps).items():
            correct[t] += int((readout.output.argmax(1) == labels).sum())
    return correct


def _top1_spikingjelly(snn, functional, evaluation,
                       timesteps: Sequence[int]) -> Dict:
    correct = {t: 0 for t in timesteps}
    with torch.no_grad():
        for x, labels in evaluation:
            functional.reset_net(snn)
            total = 0
            for t in range(1, max(timesteps) + 1):
                total = total + snn(x)
                if t in correct:
                    correct[t] += int((total.argmax(1) == labels).sum())
            functional.reset_net(snn)
    return correct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--calib-batches', type=int, default=5)
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--updates', type=int, default=1000,
                        help='threshold updates (calibration batches, '
                        'cycled)')
    parser.add_argument('--every', type=int, default=3,
                        help='val crops: every k-th')
    parser.add_argument('--timesteps', type=int, nargs='+',
                        default=list(TIMESTEPS))
    parser.add_argument('--sj-path', default=osp.expanduser(
        '~/.cache/spikedet/spikingjelly'))
    args = parser.parse_args()
    ann2snn, functional = _spikingjelly(args.sj_path)
    from spikedet.conversion import convert
    torch.manual_seed(0)
    ann, calib, evaluation = _model_and_data(args.calib_batches, args.batch,
                                             args.every)
    images = sum(len(labels) for _, labels in evaluation)
    with torch.no_grad():
        ann_correct = sum(int((ann(x).argmax(1) == labels).sum())
                          for x, labels in evaluation)
    same = convert(ann, calib, 'ltb', iterations=args.updates,
                   delayed_evaluation=False)
    shipped = convert(ann, calib, 'ltb', iterations=args.updates)
    recipe = ann2snn.recipes.LocalThresholdBalancingRecipe(
        dataloader=[(calib[k % len(calib)], None)
                    for k in range(args.updates)])
    theirs = ann2snn.Converter(recipe).convert(ann).eval()
    timesteps = sorted(set(args.timesteps))
    columns = [_top1_spikingjelly(theirs, functional, evaluation, timesteps),
               _top1_spikedet(same, evaluation, timesteps),
               _top1_spikedet(shipped, evaluation, timesteps)]
    delay = int(shipped.spikedet_readout_delay.delay)
    print(f'ResNet-18 (shapes), {images} val crops, {len(calib)} '
          f'calibration batches of {args.batch} cycled to {args.updates} '
          f'threshold updates; ANN top-1 '
          f'{100 * ann_correct / images:.2f} %; {torch.get_num_threads()} '
          f'threads')
    print(f'| T | SpikingJelly LTB | spikedet ltb, no delay | '
          f'spikedet ltb (t0 = {delay}) | difference (no delay - '
          f'SpikingJelly) |')
    print('|---|---|---|---|---|')
    for t in timesteps:
        cells: List[float] = [100 * c[t] / images for c in columns]
        print(f'| {t} | ' + ' | '.join(f'{c:.2f}' for c in cells) +
              f' | {cells[1] - cells[0]:+.2f} |', flush=True)


if __name__ == '__main__':
    os.chdir(osp.dirname(osp.dirname(osp.abspath(__file__))))
    main()
