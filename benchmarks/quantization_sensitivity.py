"""Where a quantization-aware ANN loses its accuracy: its levels or the
rest (a benchmark, not a test).

    python benchmarks/quantization_sensitivity.py CONFIG CHECKPOINT \
        [--regions '' backbone neck bbox_head] [--images N]

Loads a ``QuantizedModel`` config's checkpoint with the safe loader and
tests it on the config's test split (mmdet's metric) once as it is and once
per region with the clip-floors' rounding switched off there
(:func:`spikedet.conversion.without_rounding`; ``''`` is every site): each
site of the region then only clips. If the unrounded network scores about
what the quantized one does, the ``L`` levels cost little and the gap to
the float ANN lies in the clipping and the changed functions, which only
more fine-tuning recovers; a region whose unrounded score rises a lot is
where more levels or per-channel tops would help. Prints one row per run,
all measured in this run.
"""
import argparse

from mmengine.logging import MMLogger

from spikedet.conversion import without_rounding
from spikedet.engine.runner_utils import (build_runner, load_into_runner,
                                          unwrap)
from spikedet.evaluation.metrics import score_processed_images_only
from spikedet.utils.config import load_config
from spikedet.utils.setup_env import register_all_modules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--regions', nargs='+',
                        default=['', 'backbone', 'neck', 'bbox_head'])
    parser.add_argument('--images', type=int, default=0,
                        help='the first N test images (0: all)')
    parser.add_argument('--work-dir', default='work_dirs/sensitivity')
    args = parser.parse_args()
    register_all_modules()
    cfg = load_config(args.config, None)
    cfg.custom_hooks = []  # the training config's loaders / teachers
    cfg.work_dir, cfg.load_from = args.work_dir, None
    if args.images:
        cfg.test_dataloader.dataset.indices = args.images
        cfg.test_evaluator = score_processed_images_only(cfg.test_evaluator)
    runner = build_runner(cfg)
    load_into_runner(runner, cfg, args.checkpoint)
    rows = [('as quantized', 0, runner.test())]
    for region in args.regions:
        with without_rounding(unwrap(runner.model), region) as names:
            rows.append((f'unrounded: {region or "everywhere"}', len(names),
                         runner.test()))
    logger = MMLogger.get_current_instance()
    keys = [k for k in rows[0][2] if k.endswith(('bbox_mAP_50', 'bbox_mAP',
                                                 'accuracy/top1'))]
    lines = [f'{"run":<32} {"sites":>5} ' + ' '.join(f'{k:>20}' for k in keys)]
    for name, sites, metrics in rows:
        lines.append(f'{name:<32} {sites:>5} ' + ' '.join(
            f'{metrics[k]:>20.3f}' for k in keys))
    logger.info('\n' + '\n'.join(lines))
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
