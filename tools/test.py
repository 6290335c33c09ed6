"""Evaluate a checkpoint on a config's test split.

    python tools/test.py configs/yolov3/yolov3_mbv2_shapes.py \
        data/checkpoints/yolov3_mbv2_shapes.pth
    python tools/test.py work_dirs/snn/config.py work_dirs/snn/snn.pth \
        --timesteps 1 2 4 8 16 32 64 --dump work_dirs/snn/dets
    python tools/test.py ANN_CONFIG ANN_CKPT --snn if_channel   # convert on the fly

The checkpoint goes through spikedet's safe loader (weights only). Metrics
come from the config's evaluator (mmdet's CocoMetric / VOCMetric, or
spikedet's per-T metrics) and are written to WORK_DIR/metrics.json. For a
spiking config every T is read out from ONE simulation pass; the tool prints
a table (T, wake and total steps, metrics, the ANN last) and writes
WORK_DIR/curve.json and WORK_DIR/curve.png. With --stats the table also
shows synaptic operations per image, the firing rate and the energy
estimate relative to the ANN per T (compute only, and the whole bill with
neuron updates and memory traffic against a float32 and an int8 ANN);
WORK_DIR/stats.json has them per layer, ``layers_T<t>.png`` and
``energy_T<t>.png`` draw them at the largest T.
"""
import argparse
import json
import os.path as osp

from mmengine.config import DictAction
from mmengine.dist import is_main_process
from mmengine.logging import MMLogger

from spikedet.datasets import ensure_embedded_data, uses_embedded_data
from spikedet.engine.runner_utils import (LAUNCHERS, close_process_group,
                                          default_work_dir,
                                          evaluate_checkpoint, set_launcher)
from spikedet.engine.test_setup import (add_progress_hook, add_stats_hook,
                                        configure_spiking_test, set_dump_dir)
from spikedet.evaluation.curve import extract_curve
from spikedet.evaluation.report import (add_statistics, format_curve_table,
                                        main_metric)
from spikedet.neurons.kernels import BACKENDS
from spikedet.simulation import ENERGY_CONVENTIONS
from spikedet.utils.atomic_io import atomic_write_json, ensure_writable_dir
from spikedet.visualization.curves import plot_curve
from spikedet.visualization.stats_figures import write_stats_figures
from spikedet.utils.cli import run_cli
from spikedet.utils.config import load_config
from spikedet.utils.setup_env import register_all_modules


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a spikedet model')
    parser.add_argument('config', help='test config file')
    parser.add_argument('checkpoint', help='checkpoint file (plain weights)')
    parser.add_argument('--work-dir', help='where logs and metrics.json go')
    parser.add_argument('--timesteps', type=int, nargs='+',
                        help='read-out timesteps of a spiking config')
    parser.add_argument('--snn', metavar='METHOD',
                        help='convert the ANN with this method or preset '
                        '(spikedet/conversion/methods, or a preset file) '
                        'after the checkpoint loads')
    parser.add_argument('--strict', action='store_true',
                        help='with --snn: refuse analog islands '
                        '(normalisations, softmax, products of two signals; '
                        'for purely spiking hardware)')
    parser.add_argument('--calib-batches', type=int, default=10,
                        help='calibration batches for --snn')
    parser.add_argument('--dump', metavar='DIR',
                        help='write each T\'s detections as a COCO results '
                        'file DIR/T<t>.bbox.json')
    parser.add_argument('--stats', action='store_true',
                        help='count spikes, synaptic operations and energy '
                        'per T: totals beside mAP, per layer in '
                        'WORK_DIR/stats.json')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, key=value')
    parser.add_argument('--launcher', default='none', choices=LAUNCHERS,
                        help='mmengine launcher: several processes split '
                        'the test set (tools/dist_test.sh)')
    parser.add_argument('--backend', default='native', choices=BACKENDS,
                        help='neuron steps: fused C steps built at set-up '
                        '(native; pure torch where not built), '
                        'torch.compile (compile; a one-time compilation) '
                        'or pure torch; the same spikes')
    parser.add_argument('--heap-trim', type=float, default=0.05,
                        metavar='F', help='on the CPU, keep glibc\'s heap '
                        'steady and trim it when the resident memory grows '
                        'by this fraction (a negative value: off)')
    parser.add_argument('--chunk', type=int, default=1, metavar='K',
                        help='simulate K wake steps per forward call, '
                        'stacked in the batch (same spikes; faster where '
                        'batched convolutions are)')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    set_launcher(cfg, args.launcher)
    cfg.work_dir = args.work_dir or default_work_dir(args.config)
    ensure_writable_dir(cfg.work_dir)
    if args.dump:
        ensure_writable_dir(args.dump)
    configure_spiking_test(
        cfg, args.snn, args.timesteps, args.calib_batches, args.chunk,
        args.strict, args.backend,
        args.heap_trim if args.heap_trim >= 0 else None)
    if args.dump:
        set_dump_dir(cfg, args.dump)
    stats_file = osp.join(cfg.work_dir, 'stats.json')
    if args.stats:
        add_stats_hook(cfg, stats_file)
    add_progress_hook(cfg)
    if uses_embedded_data(cfg, keys=['train_dataloader', 'test_dataloader']
                          if args.snn else ['test_dataloader']):
        ensure_embedded_data(generate=args.launcher == 'none')
    metrics = evaluate_checkpoint(cfg, args.checkpoint)
    main_process = is_main_process()
    close_process_group()  # on success only: a failed rank must exit
    if not main_process:
        return 0
    out = osp.join(cfg.work_dir, 'metrics.json')
    atomic_write_json(out, metrics, indent=2)
    curve = extract_curve(metrics)
    stats = None
    if args.stats:
        with open(stats_file) as f:
            stats = json.load(f)
        add_statistics(curve, stats)
    if curve['timesteps']:
        print(format_curve_table(curve))
        if args.stats:
            print(ENERGY_CONVENTIONS)
        atomic_write_json(osp.join(cfg.work_dir, 'curve.json'), curve, 2)
        name = main_metric(curve)
        title = osp.basename(osp.dirname(osp.abspath(args.config)))
        plot_curve(curve, name, osp.join(cfg.work_dir, 'curve.png'),
                   title=title)
        if stats is not None:
            write_stats_figures(stats, cfg.work_dir, title=title)
    summary = ', '.join(f'{k}={v:.4f}' for k, v in metrics.items()
                        if isinstance(v, float) and '/T' not in k)
    MMLogger.get_current_instance().info(f'{summary} (written to {out})')
    return 0


if __name__ == '__main__':
    run_cli(main)
