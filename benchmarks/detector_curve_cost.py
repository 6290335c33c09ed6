"""Wall time of one pass reading out at T = 1, 2, 4, ..., 64 against one
pass reading out at T = 64 only, for a spiking detector (a benchmark).

    python benchmarks/detector_curve_cost.py work_dirs/yolo_if/config.py \
        work_dirs/yolo_if/snn.pth [--images 16]

Runs the detector's test pipeline and ``predict`` (simulation, per-T
decoding and NMS, and the ANN reference) on the first val images, so the
cost of decoding at every T is included. Prints what it measured.
"""
import argparse
import time

import torch
from mmengine.runner import Runner

from spikedet.registry import MODELS
from spikedet.utils.checkpoint import load_weights
from spikedet.utils.config import load_config
from spikedet.utils.setup_env import register_all_modules


def batches(cfg, count: int):
    loader_cfg = cfg.test_dataloader
    loader_cfg.batch_size = 8
    loader_cfg.num_workers = 0
    loader_cfg.persistent_workers = False
    out = []
    for data in Runner.build_dataloader(loader_cfg):
        out.append(data)
        if sum(len(d['inputs']) for d in out) >= count:
            break
    return out


def timed_pass(model, data, timesteps) -> float:
    model.timesteps = tuple(timesteps)
    start = time.perf_counter()
    with torch.no_grad():
        for batch in data:
            model.test_step(batch)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--images', type=int, default=16)
    args = parser.parse_args()
    register_all_modules()
    cfg = load_config(args.config)
    cfg.model.backend = 'native'  # as the tools run it
    model = MODELS.build(cfg.model)
    load_weights(model, args.checkpoint)
    model.eval()
    data = batches(cfg, args.images)
    series = [1, 2, 4, 8, 16, 32, 64]
    timed_pass(model, data[:1], [1])  # warm-up
    curve = timed_pass(model, data, series)
    alone = timed_pass(model, data, [64])
    images = sum(len(d['inputs']) for d in data)
    print(f'{args.config}: {images} images, {torch.get_num_threads()} threads')
    print(f'one pass reading out at T={series}: {curve:.2f} s')
    print(f'one pass reading out at T=64 only: {alone:.2f} s')
    print(f'ratio: {curve / alone:.3f}')


if __name__ == '__main__':
    main()
