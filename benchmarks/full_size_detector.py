"""Peak memory and time per step of a full-size converted detector against
T (a benchmark, not a test).

    python benchmarks/full_size_detector.py \
        [--config mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py] \
        [--size 800 1344] [--timesteps 8 64] [--method if_channel] \
        [--device cpu] [--heap-trim 0.05|off] [--mmap-threshold 65536]
        [--env NAME=VALUE ...]

mmdet's config with random weights (no download needed: memory and time do
not depend on the weights' values) is wrapped in a ``SpikingDetector`` and
one image of the given size is predicted with one read-out at each T, each
in a fresh subprocess, through ``test_step`` (both passes of a two-stage
detector, the per-T decoding and the ANN reference). With random weights
the RPN's NMS keeps a number of proposals that depends on T (few while its
read-out is still flat), and the box head's memory follows it, so the
RPN's NMS threshold is set to 1.0 by default (``--keep-rpn-nms`` leaves
it): every read-out passes ``max_per_img`` (1000) RoIs to the box head and
T is the only variable. Printed per T:

- the rise of peak memory over its level just before the prediction (peak
  RSS on CPU, ``torch.cuda.max_memory_allocated`` on CUDA),
- the wall time of the prediction, the simulation steps it ran and the
  RoIs the box head received.

On CPU, glibc's malloc raises its mmap threshold after large blocks are
freed and then serves them from the heap, whose fragmentation shows as a
peak RSS that creeps up over many steps (not a leak: the current RSS stays
level). ``SpikingDetector`` trims the heap when the resident memory has
grown by ``heap_trim`` (:mod:`spikedet.utils.host_heap`; off in the
library, 0.05 in ``tools/test.py`` and here by default);
``--heap-trim off`` measures without it. The neuron steps run as the
tools run them (``backend='native'``, the fused C steps where built). ``--mmap-threshold BYTES`` runs
the children with ``MALLOC_MMAP_THRESHOLD_`` fixed, which keeps large
tensors in mmap.

The last line gives the memory ratio of the largest T to the smallest and
the wall time per step, from the difference of the two runs (what one more
step costs, the ANN reference and the fixed costs cancel). Everything
printed is measured on this machine in this run.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time


def _peak_mb(device: str) -> float:
    import torch
    if device.startswith('cuda'):
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args) -> None:
    import torch
    from mmdet.structures import DetDataSample

    from spikedet.registry import MODELS
    from spikedet.utils.config import load_config
    from spikedet.utils.setup_env import register_all_modules
    register_all_modules()
    model = load_config(args.config).model
    model.backbone.init_cfg = None
    if not args.keep_rpn_nms:
        model.test_cfg.rpn.nms.iou_threshold = 1.0
    h, w = args.size
    torch.manual_seed(0)
    snn = MODELS.build(dict(
        type='SpikingDetector', ann=model,
        conversion=dict(method=args.method), timesteps=[args.child],
        input_size=(h, w), backend='native',
        heap_trim=_heap_trim(args))).eval().to(args.device)
    snn.build_structure()
    sample = DetDataSample(metainfo=dict(
        img_shape=(h, w), ori_shape=(h, w), scale_factor=(1.0, 1.0),
        pad_shape=(h, w), batch_input_shape=(h, w)))
    image = torch.randint(0, 255, (3, h, w), dtype=torch.uint8,
                          generator=torch.Generator().manual_seed(1))
    data = dict(inputs=[image], data_samples=[sample])
    rois = []
    snn.box_net.register_forward_pre_hook(
        lambda module, inputs: rois.append(inputs[0].shape[0]))
    if args.device.startswith('cuda'):
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats(args.device)
    before = _peak_mb(args.device)
    start = time.perf_counter()
    with torch.no_grad():
        out = snn.test_step(data)[0]
    if args.device.startswith('cuda'):
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    print(json.dumps(dict(T=args.child, before_mb=before,
                          peak_mb=_peak_mb(args.device), seconds=seconds,
                          steps=out.timestep_steps[args.child][1],
                          rois=max(rois, default=0))))


def _heap_trim(args):
    """``SpikingDetector``'s heap_trim: None for 'off'."""
    return None if args.heap_trim == 'off' else float(args.heap_trim)


def _child_env(args) -> dict:
    """Environment variables set in the measured processes."""
    env = dict(item.split('=', 1) for item in args.env)
    if args.mmap_threshold:
        env['MALLOC_MMAP_THRESHOLD_'] = str(args.mmap_threshold)
    return env


def measure(args, timesteps: int) -> dict:
    command = [sys.executable, __file__, '--child', str(timesteps),
               '--config', args.config, '--method', args.method,
               '--device', args.device, '--size', *map(str, args.size)] + \
        (['--keep-rpn-nms'] if args.keep_rpn_nms else []) + \
        ['--heap-trim', args.heap_trim]
    env = dict(os.environ, **_child_env(args))
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    if out.returncode:
        sys.exit(f'T = {timesteps} failed:\n{out.stderr[-2000:]}')
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config',
                        default='mmdet::faster_rcnn/'
                        'faster-rcnn_r50_fpn_1x_coco.py')
    parser.add_argument('--size', type=int, nargs=2, default=[800, 1344])
    parser.add_argument('--timesteps', type=int, nargs='+', default=[8, 64])
    parser.add_argument('--method', default='if_channel')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--keep-rpn-nms', action='store_true')
    parser.add_argument('--heap-trim', metavar='SLACK|off', default='0.05',
                        help="SpikingDetector's heap_trim (off: None); "
                        "default: the tools' 0.05")
    parser.add_argument('--mmap-threshold', type=int,
                        help='fix glibc\'s MALLOC_MMAP_THRESHOLD_ (bytes) '
                        'in the measured processes')
    parser.add_argument('--env', nargs='+', default=[], metavar='NAME=VALUE',
                        help='further environment of the measured processes '
                        '(e.g. MALLOC_ARENA_MAX=1)')
    parser.add_argument('--child', type=int)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    env = ' '.join(f'{k}={v}' for k, v in _child_env(args).items())
    trim = args.heap_trim
    print(f'{args.config}, {args.size[0]}x{args.size[1]}, {args.method}, '
          f'{args.device}, allocator: {env or "glibc default"}, '
          f'heap_trim: {trim}')
    print('| T | steps run | RoIs | memory rise (MiB) | wall time (s) |')
    print('|---|---|---|---|---|')
    rows = []
    for t in args.timesteps:
        row = measure(args, t)
        row['rise'] = row['peak_mb'] - row['before_mb']
        rows.append(row)
        print(f"| {t} | {row['steps']} | {row['rois']} | {row['rise']:.0f} | "
              f"{row['seconds']:.1f} |", flush=True)
    low, high = rows[0], rows[-1]
    per_step = (high['seconds'] - low['seconds']) / (high['steps'] -
                                                      low['steps'])
    print(f"memory rise T = {high['T']} / T = {low['T']}: "
          f"{high['rise'] / low['rise']:.3f}; wall time per step: "
          f'{per_step:.2f} s')


if __name__ == '__main__':
    main()
