"""Draw a spiking detector's detections at several T beside the ANN's.

    python tools/visualize.py work_dirs/snn/config.py work_dirs/snn/snn.pth \
        demo1.jpg demo2.jpg --timesteps 4 16 64 --out-dir work_dirs/vis

Writes one PNG per image: the ANN's detections, then the SNN's at each T
(boxes, class names, scores above --score-thr), from one simulation pass.
"""
import argparse
import os.path as osp

import cv2
from mmdet.apis import inference_detector
from mmengine.logging import MMLogger

from spikedet.engine.runner_utils import check_classes
from spikedet.registry import MODELS
from spikedet.simulation import check_timesteps
from spikedet.utils.atomic_io import atomic_write_bytes, ensure_writable_dir
from spikedet.utils.build_errors import config_errors
from spikedet.utils.checkpoint import load_weights
from spikedet.utils.cli import run_cli
from spikedet.utils.config import load_config
from spikedet.errors import UserInputError
from spikedet.utils.setup_env import register_all_modules
from spikedet.visualization.detections import draw_detections, side_by_side


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='spiking config (tools/convert.py)')
    parser.add_argument('checkpoint', help='its snn.pth')
    parser.add_argument('images', nargs='+', help='image files')
    parser.add_argument('--timesteps', type=int, nargs='+',
                        default=[4, 16, 64])
    parser.add_argument('--out-dir', default='work_dirs/vis')
    parser.add_argument('--score-thr', type=float, default=0.3)
    return parser.parse_args()


def _arrays(instances):
    return (instances.bboxes.cpu().numpy(), instances.labels.cpu().numpy(),
            instances.scores.cpu().numpy())


def main() -> int:
    args = parse_args()
    register_all_modules()
    cfg = load_config(args.config)
    if cfg.model.get('type') != 'SpikingDetector':
        raise UserInputError(f'{args.config} is not a spiking detector '
                             'config; make one with tools/convert.py')
    cfg.model.timesteps = list(check_timesteps(args.timesteps))
    cfg.model.backend = 'native'  # the fused steps where built
    images = []
    for path in args.images:
        image = cv2.imread(path) if osp.isfile(path) else None
        if image is None:
            raise UserInputError(f'cannot read image {path} (missing, '
                                 'broken or not an image)')
        images.append((path, image))
    ensure_writable_dir(args.out_dir)
    with config_errors(args.config):
        model = MODELS.build(cfg.model)
    meta = load_weights(model, args.checkpoint)
    check_classes(meta, cfg, args.checkpoint)
    classes = list(meta.get('classes') or [])
    model.cfg = cfg
    model.eval()
    logger = MMLogger.get_instance('spikedet-visualize')
    for path, image in images:
        sample = inference_detector(model, image)
        panels = [draw_detections(image, *_arrays(sample.pred_instances),
                                  classes, args.score_thr, 'ANN')]
        for t in cfg.model.timesteps:
            wake, total = sample.timestep_steps[t]
            panels.append(draw_detections(
                image, *_arrays(sample.timestep_preds[t]), classes,
                args.score_thr, f'SNN T={wake} ({total} steps)'))
        stem = osp.splitext(osp.basename(path))[0]
        out = osp.join(args.out_dir, f'{stem}.png')
        ok, png = cv2.imencode('.png', side_by_side(panels))
        if not ok:
            raise RuntimeError(f'OpenCV could not encode {out}')
        atomic_write_bytes(out, png.tobytes())
        logger.info(f'wrote {out}')
    return 0


if __name__ == '__main__':
    run_cli(main)
