"""Train an ANN detector or classifier, then export its weights as a plain file.

    python tools/train.py configs/yolov3/yolov3_mbv2_shapes.py
    python tools/train.py CONFIG --export data/checkpoints/<stem>.pth

The runner's own checkpoints (optimizer state, pickled history) stay in the
work dir; the exported file holds only tensors and plain metadata, so every
spikedet tool loads it with ``torch.load(weights_only=True)``.
"""
import argparse
import os.path as osp

from mmengine.config import DictAction
from mmengine.logging import MMLogger

from spikedet.datasets import ensure_embedded_data, uses_embedded_data
from spikedet.engine.data_paths import check_data_paths
from spikedet.engine.runner_utils import (build_runner, default_work_dir,
                                          export_weights)
from spikedet.utils.cli import run_cli
from spikedet.utils.config import load_config
from spikedet.utils.setup_env import register_all_modules


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a spikedet ANN')
    parser.add_argument('config', help='train config file')
    parser.add_argument('--work-dir', help='where logs and runner state go')
    parser.add_argument('--export', help='plain weights file to write '
                        '(default: WORK_DIR/<config stem>.pth)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, key=value')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    cfg.work_dir = args.work_dir or default_work_dir(args.config)
    if uses_embedded_data(cfg, keys=['train_dataloader', 'val_dataloader']):
        ensure_embedded_data()
    if cfg.get('load_from'):
        # Initial weights go through the safe loader, never mmengine's.
        cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
            dict(type='SafeLoadHook', checkpoint=cfg.load_from)]
        cfg.load_from = None
    check_data_paths(cfg, ['train_dataloader', 'val_dataloader'],
                     ['val_evaluator'])
    runner = build_runner(cfg)
    runner.train()
    stem = osp.splitext(osp.basename(args.config))[0]
    out = args.export or osp.join(cfg.work_dir, f'{stem}.pth')
    info = export_weights(runner.model, cfg, out)
    MMLogger.get_current_instance().info(
        f'exported {info["tensors"]} tensors ({info["bytes"] / 2**20:.2f} MB) '
        f'to {out}')
    return 0


if __name__ == '__main__':
    run_cli(main)
