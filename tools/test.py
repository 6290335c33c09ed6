"""Evaluate a checkpoint on a config's test split with mmdet's own metric.

    python tools/test.py configs/yolov3/yolov3_mbv2_shapes.py \
        data/checkpoints/yolov3_mbv2_shapes.pth

The checkpoint goes through spikedet's safe loader (weights only). Metrics
are logged by mmengine and written to WORK_DIR/metrics.json.
"""
import argparse
import os.path as osp

from mmengine.config import DictAction
from mmengine.logging import MMLogger

from spikedet.datasets import ensure_embedded_data, uses_embedded_data
from spikedet.engine.runner_utils import (default_work_dir,
                                          evaluate_checkpoint)
from spikedet.utils.atomic_io import atomic_write_json
from spikedet.utils.cli import run_cli
from spikedet.utils.config import load_config
from spikedet.utils.setup_env import register_all_modules


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a spikedet model')
    parser.add_argument('config', help='test config file')
    parser.add_argument('checkpoint', help='checkpoint file (plain weights)')
    parser.add_argument('--work-dir', help='where logs and metrics.json go')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, key=value')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    cfg.work_dir = args.work_dir or default_work_dir(args.config)
    if uses_embedded_data(cfg, keys=['test_dataloader']):
        ensure_embedded_data()
    metrics = evaluate_checkpoint(cfg, args.checkpoint)
    out = osp.join(cfg.work_dir, 'metrics.json')
    atomic_write_json(out, metrics, indent=2)
    summary = ', '.join(f'{k}={v:.4f}' for k, v in metrics.items()
                        if isinstance(v, float))
    MMLogger.get_current_instance().info(f'{summary} (written to {out})')
    return 0


if __name__ == '__main__':
    run_cli(main)
