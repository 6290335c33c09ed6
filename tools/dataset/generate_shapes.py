"""Generate the embedded shapes data set (COCO json + VOC tree + crops).

    python tools/dataset/generate_shapes.py                # data/shapes, seed 0
    python tools/dataset/generate_shapes.py --out /tmp/s --seed 3 --num-train 50

Does nothing when the folder already holds data made from the same spec
(see ``meta.json``); ``--force`` regenerates.
"""
import argparse

from mmengine.logging import MMLogger

from spikedet.datasets.shapes_generator import (ShapesSpec,
                                                generate_shapes_dataset)
from spikedet.utils.cli import run_cli
from spikedet.errors import UserInputError


def parse_args() -> argparse.Namespace:
    defaults = ShapesSpec()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/shapes')
    parser.add_argument('--seed', type=int, default=defaults.seed)
    parser.add_argument('--num-train', type=int, default=defaults.num_train)
    parser.add_argument('--num-val', type=int, default=defaults.num_val)
    parser.add_argument('--cls-train-per-class', type=int,
                        default=defaults.cls_train_per_class)
    parser.add_argument('--cls-val-per-class', type=int,
                        default=defaults.cls_val_per_class)
    parser.add_argument('--force', action='store_true')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    counts = (args.num_train, args.num_val, args.cls_train_per_class,
              args.cls_val_per_class)
    if min(counts) < 1:
        raise UserInputError('every split needs at least one image')
    spec = ShapesSpec(seed=args.seed, num_train=args.num_train,
                      num_val=args.num_val,
                      cls_train_per_class=args.cls_train_per_class,
                      cls_val_per_class=args.cls_val_per_class)
    try:
        made = generate_shapes_dataset(args.out, spec, force=args.force)
    except FileExistsError as exc:
        raise UserInputError(str(exc)) from None
    logger = MMLogger.get_instance('spikedet')
    logger.info(f'{"generated" if made else "up to date:"} {args.out}')
    return 0


if __name__ == '__main__':
    run_cli(main)
