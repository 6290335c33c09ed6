"""The main job on the embedded data: ANN detectors, then their SNNs.

    make demo        (or: python tools/demo.py [--images 24])

1. Generates ``data/shapes`` if it is missing and evaluates each committed
   ANN checkpoint on the whole val split, with its COCO config (bbox mAP,
   mAP@0.5) and its VOC config (VOC07 11-point mAP@0.5).
2. Converts both detectors twice with the same commands a user runs,
   ``tools/convert.py`` then ``tools/test.py`` on the converted config:
   the IF baseline (channel-wise 99.9 % thresholds; Faster R-CNN at fewer
   T) from the plain ANN, and CASC (consistent IF neurons + wake-sleep)
   from the quantization-aware checkpoint, both spike-driven, printing
   their mAP-vs-T tables with E / E_ANN (``--stats``) on the first
   ``--images`` val images. Each run writes ``curve.json``, ``curve.png``
   and ``stats.json``.
3. Draws the ANN's and the CASC SNNs' detections on two val images
   (``tools/visualize.py``) and their per-layer firing rates and SOPs
   (``tools/analyze_stats.py``, ``layers_T8.png``).

Everything goes to ``--work-dir`` (default ``work_dirs/demo``), each tool's
log to ``logs/``; the terminal shows spikedet's tables. About 5.5 min on 2
cores.
"""
import argparse
import os.path as osp
import time

from spikedet.datasets.embedded import ensure_embedded_data, val_image_paths
from spikedet.engine.ann_report import ann_table, evaluate_ann
from harness.demo_runs import DEMO_RUNS, run_demo_conversion
from harness.model_zoo import MODEL_ZOO
from spikedet.evaluation.report import format_curve_table
from spikedet.simulation import ENERGY_CONVENTIONS
from spikedet.utils.atomic_io import atomic_write_json
from spikedet.utils.cli import run_cli
from spikedet.errors import UserInputError
from spikedet.utils.setup_env import register_all_modules

DETECTORS = [m for m in MODEL_ZOO if m.detector and m.demo]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default='work_dirs/demo')
    parser.add_argument('--images', type=int, default=12,
                        help='val images for the SNN curves (the first N)')
    args = parser.parse_args()
    if args.images < 1:
        raise UserInputError('--images must be >= 1')
    start = time.perf_counter()
    register_all_modules()
    ensure_embedded_data()
    rows = []
    for det in DETECTORS:
        config, ckpt = det.files()
        if not osp.isfile(ckpt):
            raise UserInputError(f'committed checkpoint missing: {ckpt}')
        log = osp.join(args.work_dir, 'logs', f'{det.stem}_ann.log')
        coco = evaluate_ann(config, ckpt, args.work_dir, log)
        voc = evaluate_ann(det.files('-voc')[0], ckpt, args.work_dir, log)
        rows.append(dict(name=det.name, bbox_mAP=coco['coco/bbox_mAP'],
                         bbox_mAP_50=coco['coco/bbox_mAP_50'],
                         voc_mAP=voc['pascal_voc/mAP']))
    print('\nANN detectors on the embedded shapes val split, 200 images '
          '(COCO metric: bbox mAP@[.5:.95], mAP@0.5; VOC07 11-point mAP@0.5)')
    print(ann_table(rows), flush=True)

    vis_images = val_image_paths(2)
    curves = {}
    for det in DETECTORS:
        for run in DEMO_RUNS:
            curve = run_demo_conversion(det, run, args.images, vis_images,
                                        args.work_dir)
            curves[f'{det.stem}/{run.method}'] = curve
            print(f'\n{det.name}, {run.label} (first {args.images} val '
                  f'images; ANN = the converted network\'s own ANN)')
            print(format_curve_table(curve), flush=True)
    print(f'\n{ENERGY_CONVENTIONS}')
    atomic_write_json(osp.join(args.work_dir, 'summary.json'),
                      dict(ann=rows, snn=curves), 2)
    print(f'\ncurves, panels and logs: {args.work_dir}/ '
          f'({time.perf_counter() - start:.0f} s)')
    return 0


if __name__ == '__main__':
    run_cli(main)
