"""Convert a trained ANN into a spiking network.

    python tools/convert.py configs/classification/resnet18_shapes.py \
        data/checkpoints/resnet18_shapes.pth --method if --out work_dirs/snn
    python tools/convert.py configs/yolov3/yolov3_mbv2_shapes.py \
        data/checkpoints/yolov3_mbv2_shapes.pth --method if_channel
        (writes work_dirs/yolov3_mbv2_shapes_if_channel/)

Calibrates thresholds on training batches (test-time pipeline, no
augmentation), then writes

    OUT/snn.pth     weights-only loadable: the ANN, the spiking network and
                    its thresholds
    OUT/config.py   the spiking config; `tools/test.py OUT/config.py
                    OUT/snn.pth` evaluates it at every T from one pass

and prints the converted layers (module path, neuron type, thresholds).
"""
import argparse
import os.path as osp
import time

from mmengine.config import DictAction
from mmengine.logging import MMLogger

from spikedet.conversion.summary import format_spiking_layers, spiking_layers
from spikedet.datasets import ensure_embedded_data, uses_embedded_data
from spikedet.engine.calibration import calibration_batches
from spikedet.engine.runner_utils import check_classes, checkpoint_meta
from spikedet.engine.spiking_config import dump_config, spiking_config
from spikedet.registry import MODELS
from spikedet.simulation import DEFAULT_TIMESTEPS
from spikedet.utils.atomic_io import ensure_writable_dir
from spikedet.utils.build_errors import config_errors
from spikedet.utils.checkpoint import load_weights, save_weights
from spikedet.utils.cli import run_cli
from spikedet.utils.config import load_config
from spikedet.errors import UserInputError
from spikedet.utils.setup_env import register_all_modules


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Convert an ANN to an SNN')
    parser.add_argument('config', help='ANN config file')
    parser.add_argument('checkpoint', help='ANN weights (plain file)')
    parser.add_argument('--method', default='if',
                        help='conversion method or preset (spikedet/'
                        'conversion/methods), or a preset file')
    parser.add_argument('--out', help='output folder (default: '
                        'work_dirs/<config>_<method>)')
    parser.add_argument('--strict', action='store_true',
                        help='refuse analog islands (normalisations, '
                        'softmax, products of two signals; for purely '
                        'spiking hardware)')
    parser.add_argument('--calib-batches', type=int, default=10,
                        help='training batches for threshold calibration')
    parser.add_argument('--timesteps', type=int, nargs='+',
                        default=list(DEFAULT_TIMESTEPS),
                        help='read-out timesteps written into the config')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override ANN config entries, key=value')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if min(args.timesteps) < 1:
        raise UserInputError('--timesteps must be positive integers')
    register_all_modules()
    logger = MMLogger.get_instance('spikedet-convert')
    cfg = load_config(args.config, args.cfg_options)
    snn_cfg = spiking_config(cfg, args.method, args.timesteps, args.strict)
    args.out = args.out or osp.join('work_dirs', '_'.join(
        osp.splitext(osp.basename(p))[0] for p in (args.config, args.method)))
    if uses_embedded_data(cfg, keys=['train_dataloader', 'test_dataloader']):
        ensure_embedded_data()
    with config_errors(args.config):
        model = MODELS.build(snn_cfg.model)
    meta = load_weights(model.ann, args.checkpoint)
    check_classes(meta, cfg, args.checkpoint)
    ensure_writable_dir(args.out)  # after the checks: nothing left behind
    model.eval()
    batches = calibration_batches(cfg, model, args.calib_batches)
    start = time.time()
    model.calibrate(batches)
    logger.info(f'converted with method {args.method!r} in '
                f'{time.time() - start:.1f} s')
    out_meta = checkpoint_meta(model.ann, cfg)
    out_meta.update(classes=meta.get('classes'), conversion_method=args.method,
                    ann_checkpoint=osp.abspath(args.checkpoint),
                    config=str(snn_cfg.pretty_text))
    save_weights(osp.join(args.out, 'snn.pth'), model.state_dict(), out_meta)
    dump_config(snn_cfg, osp.join(args.out, 'config.py'))
    print(format_spiking_layers(spiking_layers(model.net)))
    logger.info(f'wrote {args.out}/snn.pth and {args.out}/config.py')
    return 0


if __name__ == '__main__':
    run_cli(main)
