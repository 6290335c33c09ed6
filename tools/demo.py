"""The main job on the embedded data: evaluate the committed detectors.

    make demo        (or: python tools/demo.py)

Generates ``data/shapes`` if it is missing, then evaluates each committed ANN
checkpoint with its COCO config (bbox mAP, mAP@0.5) and its VOC config
(VOC07 11-point mAP@0.5) on the val split, and prints one table. Per-run logs
and metrics.json files go to ``work_dirs/demo/``.
"""
import argparse
import os.path as osp
from typing import Dict, List

from spikedet.datasets import ensure_embedded_data
from spikedet.engine.runner_utils import evaluate_checkpoint
from spikedet.utils.atomic_io import atomic_write_json
from spikedet.utils.cli import run_cli
from spikedet.utils.config import load_config
from spikedet.utils.errors import UserInputError
from spikedet.utils.setup_env import register_all_modules

DETECTORS = [
    ('YOLOv3 MobileNetV2', 'configs/yolov3/yolov3_mbv2_shapes.py'),
    ('Faster R-CNN R18-FPN', 'configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py'),
]


def _voc_config(coco_config: str) -> str:
    return coco_config.replace('_shapes.py', '_shapes-voc.py')


def _checkpoint(coco_config: str) -> str:
    stem = osp.splitext(osp.basename(coco_config))[0]
    return osp.join('data', 'checkpoints', f'{stem}.pth')


def _evaluate(config: str, checkpoint: str, work_root: str) -> Dict:
    cfg = load_config(config)
    stem = osp.splitext(osp.basename(config))[0]
    cfg.work_dir = osp.join(work_root, stem)
    cfg.log_level = 'WARNING'
    cfg.visualizer.pop('name', None)
    metrics = evaluate_checkpoint(cfg, checkpoint)
    atomic_write_json(osp.join(cfg.work_dir, 'metrics.json'), metrics, 2)
    return metrics


def _table(rows: List[Dict]) -> str:
    head = f'{"detector":<22} {"bbox mAP":>9} {"mAP@0.5":>8} {"VOC mAP":>8}'
    lines = [head, '-' * len(head)]
    for row in rows:
        lines.append(f'{row["name"]:<22} {row["bbox_mAP"]:>9.3f} '
                     f'{row["bbox_mAP_50"]:>8.3f} {row["voc_mAP"]:>8.3f}')
    return '\n'.join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default='work_dirs/demo')
    args = parser.parse_args()
    register_all_modules()
    ensure_embedded_data()
    rows = []
    for name, config in DETECTORS:
        ckpt = _checkpoint(config)
        if not osp.isfile(ckpt):
            raise UserInputError(f'committed checkpoint missing: {ckpt}')
        coco = _evaluate(config, ckpt, args.work_dir)
        voc = _evaluate(_voc_config(config), ckpt, args.work_dir)
        rows.append(dict(name=name, bbox_mAP=coco['coco/bbox_mAP'],
                         bbox_mAP_50=coco['coco/bbox_mAP_50'],
                         voc_mAP=voc['pascal_voc/mAP']))
    table = _table(rows)
    print('\nANN detectors on the embedded shapes val split '
          '(COCO metric: bbox mAP@[.5:.95], mAP@0.5; VOC07 11-point mAP@0.5)')
    print(table)
    atomic_write_json(osp.join(args.work_dir, 'summary.json'), rows, 2)
    return 0


if __name__ == '__main__':
    run_cli(main)
