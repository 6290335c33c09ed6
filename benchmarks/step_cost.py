"""One simulation step against one ANN forward, before and after the
fused neuron steps (a benchmark, not a test).

    python benchmarks/step_cost.py [--before REV] [--rows NAME ...]
        [--steps 8] [--threads N] [--chunk 4] [--variants V ...]

For each row (network, method), a subprocess builds the converted network
on one random image (the cost of dense simulation does not depend on the
weights or the image), times the ANN forward of the simulated part (the
dense stage, or stage 1 of a two-stage detector) and the per-step cost of
``simulate`` (the difference between ``2 + steps`` and 2 steps, the
fastest of three runs each; read-out accumulation included, warm-up
excluded; the ANN forward the fastest of twelve). The variants ``eager``,
``fused`` and ``channels-last`` share one process and are timed in
interleaved rounds with the ANN (this machine's speed drifts by a third
over tens of seconds, so separate processes' ratios are not comparable);
the others get a process each. Variants:

- ``before``: the code of git revision ``--before`` (checked out in a
  temporary worktree; skipped without ``--before``),
- ``eager``: this checkout, neuron kernels in pure torch (the library's
  default backend, ``'torch'``),
- ``fused``: this checkout as the tools run it: the fused C steps of
  :mod:`spikedet.neurons.native` (backend ``'native'``, built by
  ``tools/build_native.py``) where they apply, torch elsewhere,
- ``channels-last``: ``fused`` with the simulated stage in channels-last
  memory (``SpikingDetector(channels_last=True)``), against the same NCHW
  ANN forward (the ANN's own NHWC forward is printed beside it),
- ``compiled``: this checkout, every kernel compiled by torch.compile
  (backend ``'compile'``; its one-time compilation happens in the warm-up
  steps),
- ``chunked`` / ``compiled-chunked``: the same with ``--chunk K`` (default
  4) wake steps per forward call (``simulate(..., chunk=K)``: the steps
  stacked along the batch dimension; ``--steps`` should be a multiple of
  K).

``--heap steady`` makes the C heap keep freed blocks, whatever their size
(:func:`spikedet.utils.host_heap.steady_heap`, which a detector's
simulation sets on the CPU) before the ANN and the simulation are timed,
in every variant but ``before``; the default is glibc's own behaviour.

Rows: our YOLOv3 and Faster R-CNN (their checkpoints; ``cif_wsc`` on the
quantization-aware ``*_casc-l8`` ones) and mmdet's MobileNetV2 and
Darknet-53 YOLOv3 and R50-FPN Faster R-CNN configs (random weights, with
``cif_wsc`` made quantization-aware as ours, untrained clip tops). The
``cif_wsc`` rows' ANN is the quantization-aware one they convert.
The full-size rows read 0.9-1.3 between runs until commit eeb26d3
(2026-12-04): glibc gave back their heap top past 2 GiB after each
simulation (fixed in ``steady_heap``); since then R50-FPN ``if_channel``
read 0.95-0.96. Their margin is a few percent: repeat those rows. The
latest numbers are in docs/benchmarks.md.

Prints one table with step / ANN for every variant side by side. All
numbers are measured in this run on this machine.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[1]

# name: (config, checkpoint or None for random weights, input (H, W), method)
ROWS = {
    'yolov3-ours-if_channel': ('configs/yolov3/yolov3_mbv2_shapes.py',
                               'data/checkpoints/yolov3_mbv2_shapes.pth',
                               (320, 320), 'if_channel'),
    'yolov3-ours-cif_wsc': ('configs/yolov3/yolov3_mbv2_shapes_casc-l8.py',
                            'data/checkpoints/yolov3_mbv2_shapes_casc-l8.pth',
                            (320, 320), 'cif_wsc'),
    'frcnn-ours-if_channel': ('configs/faster_rcnn/'
                              'faster-rcnn_r18_fpn_shapes.py',
                              'data/checkpoints/faster-rcnn_r18_fpn_shapes.pth',
                              (320, 320), 'if_channel'),
    'frcnn-ours-cif_wsc': ('configs/faster_rcnn/'
                           'faster-rcnn_r18_fpn_shapes_casc-l8.py',
                           'data/checkpoints/'
                           'faster-rcnn_r18_fpn_shapes_casc-l8.pth',
                           (320, 320), 'cif_wsc'),
    'yolov3-mbv2-mmdet-if_channel': (
        'mmdet::yolo/yolov3_mobilenetv2_8xb24-320-300e_coco.py', None,
        (320, 320), 'if_channel'),
    'yolov3-d53-mmdet-if_channel': (
        'mmdet::yolo/yolov3_d53_8xb8-ms-608-273e_coco.py', None, (608, 608),
        'if_channel'),
    'frcnn-r50-mmdet-if_channel': (
        'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py', None,
        (800, 1344), 'if_channel'),
}
# mmdet's configs with CASC: the same networks made quantization-aware
# (QuantizedModel, L = 8, spike-driven, as our *_casc-l8 configs), random
# weights and untrained clip tops (dense simulation costs the same).
ROWS.update({name.replace('if_channel', 'cif_wsc'): (*row[:3], 'cif_wsc')
             for name, row in list(ROWS.items())
             if 'mmdet' in name})


VARIANTS = ('eager', 'fused', 'channels-last', 'compiled', 'chunked',
            'compiled-chunked')


# Variants measured together in one process, in interleaved rounds.
IN_PROCESS = ('eager', 'fused', 'channels-last')


def child(name: str, steps: int, compiled: bool, chunk: int, heap: str,
          modes: List[str]) -> None:
    import torch

    from spikedet.engine.spiking_config import spiking_config
    from spikedet.models.detectors.stages import DenseStage, ProposalStage
    from spikedet.registry import MODELS
    from spikedet.simulation import simulate
    from spikedet.utils.checkpoint import load_weights
    from spikedet.utils.config import load_config
    from spikedet.utils.setup_env import register_all_modules
    from spikedet.neurons import kernels
    if heap == 'steady':  # before the ANN too: one allocator for both
        from spikedet.utils.host_heap import steady_heap
        steady_heap()
    register_all_modules()
    config, checkpoint, size, method = ROWS[name]
    cfg = load_config(config)
    if checkpoint is None:
        cfg.model.backbone.init_cfg = None
    if method == 'cif_wsc' and cfg.model.type != 'QuantizedModel':
        cfg.model = dict(type='QuantizedModel', model=cfg.model, levels=8,
                         shift=0.5, spike_driven=True)
    model = MODELS.build(spiking_config(cfg, method, [1]).model).eval()
    if checkpoint is not None:
        load_weights(model.ann, checkpoint)
    torch.manual_seed(0)
    x = torch.rand(1, 3, *size) * 255
    x = model.data_preprocessor(dict(inputs=[x[0]]), False)['inputs'] \
        if hasattr(model, 'data_preprocessor') else x
    model.calibrate([dict(inputs=x, data_samples=None)])
    ann = (ProposalStage if model.two_stage else DenseStage)(model.ann)
    schedule = dict(type='plain')  # wake steps only: a step is a step
    nhwc = torch.channels_last

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    def enter(mode: str) -> torch.Tensor:
        """Set the process up for ``mode``; return the simulation input."""
        if mode == 'plain':  # as the tools run by default
            return x
        layout = nhwc if mode == 'channels-last' else torch.contiguous_format
        model.net.to(memory_format=layout)
        return x.contiguous(memory_format=layout)

    # (--before's package has no chunk option: pass it only if set)
    kw = dict(chunk=chunk) if chunk > 1 else {}
    t_ann, short, long = [], {m: [] for m in modes}, {m: [] for m in modes}
    t_nhwc = None

    def backend(mode: str) -> str:
        return 'torch' if mode == 'eager' else \
            'compile' if compiled else 'native'

    def run(mode: str, inputs: torch.Tensor, t: int) -> None:
        with kernels.neuron_steps(backend(mode)):
            simulate(model.net, inputs, [t], schedule, **kw)

    with torch.no_grad():
        if 'channels-last' in modes:  # the ANN in NHWC, for the record
            model.ann.to(memory_format=nhwc)
            x_nhwc = x.contiguous(memory_format=nhwc)
            ann(x_nhwc)
            t_nhwc = min(timed(lambda: ann(x_nhwc)) for _ in range(12))
            model.ann.to(memory_format=torch.contiguous_format)
        ann(x)  # the ANN as mmdet runs it: NCHW
        for mode in modes:  # warm-up
            run(mode, enter(mode), 2 + steps)
        # Interleaved rounds: a drift of the machine's speed (it shares
        # its host) reaches the ANN and every mode alike.
        for _ in range(3):
            t_ann += [timed(lambda: ann(x)) for _ in range(4)]
            for mode in modes:
                inputs = enter(mode)
                short[mode].append(timed(lambda: run(mode, inputs, 2)))
                long[mode].append(timed(lambda: run(mode, inputs,
                                                    2 + steps)))
    print(json.dumps(dict(
        ann=min(t_ann), ann_nhwc=t_nhwc,
        step={m: (min(long[m]) - min(short[m])) / steps for m in modes})))


def measure(name: str, variant: str, args, worktree) -> dict:
    """One child process: ``variant``, or (``'in-process'``) every
    variant of IN_PROCESS asked for."""
    path = worktree if variant == 'before' else ROOT
    env = dict(os.environ, PYTHONPATH=str(path),
               OMP_NUM_THREADS=str(args.threads))
    command = [sys.executable, str(Path(path) / 'benchmarks' / 'step_cost.py'
                                   if variant == 'before' else __file__),
               '--child', name, '--steps', str(args.steps), '--heap',
               'default' if variant == 'before' else args.heap, '--modes']
    command += [v for v in args.variants if v in IN_PROCESS] \
        if variant == 'in-process' else ['plain']
    if variant.startswith('compiled'):
        command.append('--compiled')
    if variant.endswith('chunked'):
        command += ['--chunk', str(args.chunk)]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True,
                         text=True)
    if out.returncode:
        return dict(error=out.stderr.strip().splitlines()[-1][:80])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--before', metavar='REV')
    parser.add_argument('--rows', nargs='+', default=list(ROWS),
                        choices=list(ROWS))
    parser.add_argument('--steps', type=int, default=8)
    parser.add_argument('--threads', type=int, default=os.cpu_count())
    parser.add_argument('--child')
    parser.add_argument('--compiled', action='store_true')
    parser.add_argument('--modes', nargs='+', default=['plain'])
    parser.add_argument('--chunk', type=int, default=4)
    parser.add_argument('--heap', choices=('default', 'steady'),
                        default='default')
    parser.add_argument('--variants', nargs='+', choices=VARIANTS,
                        default=list(VARIANTS))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.steps, args.compiled, args.chunk, args.heap,
              args.modes)
        return
    variants = (['before'] if args.before else []) + args.variants
    with tempfile.TemporaryDirectory() as tmp:
        worktree = None
        if args.before:
            worktree = Path(tmp) / 'before'
            subprocess.run(['git', 'worktree', 'add', '--detach', '-q',
                            str(worktree), args.before], cwd=ROOT,
                           check=True)
            # The child script of this checkout runs the old package.
            (worktree / 'benchmarks' / 'step_cost.py').write_text(
                Path(__file__).read_text())
        try:
            print(f'{args.threads} threads, {args.steps} timed steps, '
                  f'{args.heap} C heap; step / ANN forward for: '
                  f'{", ".join(variants)}')
            print('| row | ANN forward | ' + ' | '.join(
                f'{v} step | {v} step/ANN' for v in variants) + ' |')
            print('|---|---|' + '---|---|' * len(variants))
            for name in args.rows:
                cells, ann = [], None
                results = {}
                for variant in variants:
                    key = 'in-process' if variant in IN_PROCESS else variant
                    if key not in results:
                        results[key] = measure(name, key, args, worktree)
                    row = results[key]
                    if 'error' in row:
                        cells += [row['error'], '-']
                        continue
                    ann = ann or row['ann']
                    step = row['step'][variant if key == 'in-process'
                                       else 'plain']
                    text = f"{1e3 * step:.1f} ms"
                    if variant == 'channels-last':  # for the record
                        text += f" (ANN in NHWC {1e3 * row['ann_nhwc']:.1f} ms)"
                    cells += [text, f"{step / row['ann']:.2f}"]
                print(f'| {name} | ' + (f'{1e3 * ann:.1f} ms' if ann else '-')
                      + ' | ' + ' | '.join(cells) + ' |', flush=True)
        finally:
            if worktree is not None:
                subprocess.run(['git', 'worktree', 'remove', '--force',
                                str(worktree)], cwd=ROOT)


if __name__ == '__main__':
    main()
