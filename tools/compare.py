"""Run every conversion method on every model and write docs/results.md.

    python tools/compare.py [--images 20] [--cls-every 3] [--jobs 2] \
        [--methods if if_channel ...] [--models yolov3 ...] [--reuse] \
        [--out docs/results.md] [--cfg-options KEY=VALUE ...]

For each model (YOLOv3, Faster R-CNN, the ResNet-18 classifier) and each
conversion preset of ``configs/_base_/conversion`` it runs the user's own
command, ``tools/test.py CFG CKPT --snn METHOD --stats`` (CASC presets on
the quantization-aware checkpoint whose L is the preset's wake-sleep
margin: ``cif_wsc`` on ``*_casc-l8``, ``cif_wsc_l4`` on ``*_casc-l4``),
spike-driven (every method's default), on a fixed val subset (detectors: the
first N images, the COCO metric scores exactly those; classifier: every
k-th crop, so every class is in it), reading out at
T = 1, 2, 4, ..., 128 in one pass. A method that refuses a model (a clear
conversion error) gets a row saying so. The table holds, per run: the
headline metric (mAP@0.5, top-1) and bbox mAP at each T with wake / total
steps, the ANN, T99 (the smallest T reaching 99 % of the ANN), and at T99
(or the largest T) the firing rate, SOPs per image and the energy
estimate relative to the ANN. ``--analog`` also runs every method with
``spike_driven=False`` (CASC on the ``*_casc-l8-analog`` checkpoints) and
adds a table of what the identity sites' neurons cost in T99 and save in
energy. A figure beside the markdown (``<out stem>_energy.png``) plots
mAP@0.5 (top-1) against E / E_ANN for every method on each model. Every
run's curve, stats and log stay under ``--work-dir``; the markdown is
regenerated from them by this command.
A second section checks the papers' claims on these curves
(:mod:`spikedet.evaluation.claims`). ``--reuse`` keeps the runs an
earlier invocation left in ``--work-dir`` for the same image counts.
``--jobs`` runs that many tools/test.py processes side by side, each with
one intra-op thread (the runs are independent; on 2 cores ``--jobs 2``
halves the wall time against one two-threaded process at a time).
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from spikedet.engine.spiking_config import available_methods, load_method
from spikedet.evaluation.claims import (TARGET, check_fewer_steps,
                                        check_single_spike)
from spikedet.evaluation.curve import first_reaching
from spikedet.evaluation.report import main_metric
from spikedet.simulation import ENERGY_CONVENTIONS, check_timesteps, energy
from spikedet.visualization.energy_front import plot_energy_fronts
from spikedet.utils.atomic_io import atomic_write_json, atomic_write_text
from spikedet.utils.cli import run_cli
from spikedet.utils.errors import UserInputError

TIMESTEPS = (1, 2, 4, 8, 16, 32, 64, 128)
CASC_METHODS = ('cif_wsc',)


@dataclass(frozen=True)
class Model:
    """A committed model: its configs and checkpoints, by suffix
    (``''`` plain, ``'_casc-l8'``, ``'_casc-l4'``, ``'_casc-l8-analog'``)."""
    key: str
    name: str
    folder: str
    stem: str
    detector: bool

    def files(self, suffix: str = '') -> Tuple[str, str]:
        """``(config, checkpoint)`` of the variant ``suffix``."""
        return (f'configs/{self.folder}/{self.stem}{suffix}.py',
                f'data/checkpoints/{self.stem}{suffix}.pth')


def _model(key: str, name: str, folder: str, stem: str,
           detector: bool) -> Model:
    return Model(key, name, folder, stem, detector)


ANALOG = 'model.conversion.spike_driven=False'


def _variant(method: str, options: Sequence[str]) -> str:
    """The checkpoint suffix a preset converts: a CASC preset the
    quantization-aware ANN of L = its wake-sleep margin (not spike-driven
    with ``spike_driven=False``), every other preset the plain ANN."""
    preset = load_method(method)
    if preset['conversion']['method'] not in CASC_METHODS:
        return ''
    level = preset['schedule'].get('margin', 8)
    return f'_casc-l{level}' + ('-analog' if ANALOG in options else '')


MODELS = [
    _model('yolov3', 'YOLOv3 MobileNetV2', 'yolov3', 'yolov3_mbv2_shapes',
           True),
    _model('faster_rcnn', 'Faster R-CNN R18-FPN', 'faster_rcnn',
           'faster-rcnn_r18_fpn_shapes', True),
    _model('resnet18', 'ResNet-18 classifier', 'classification',
           'resnet18_shapes', False),
]


def _subset_options(subset: Dict) -> List[str]:
    """tools/test.py options for ``dict(images=N)`` (the first N) or
    ``dict(every=k)`` (every k-th sample, :class:`StridedSampler`)."""
    if 'images' in subset:
        return [f'test_dataloader.dataset.indices={subset["images"]}']
    return ['test_dataloader.sampler.type=StridedSampler',
            f'test_dataloader.sampler.stride={subset["every"]}']


def _run(model: Model, method: str, subset: Dict, work: str,
         timesteps: Sequence[int] = TIMESTEPS, threads: int = 0,
         options: Sequence[str] = ()) -> Dict:
    """One ``tools/test.py --snn`` run; returns its curve or its refusal.

    Args:
        model: The model to convert.
        method: The conversion preset.
        subset: The val subset, see :func:`_subset_options`.
        work: The run's work directory (log, curve, stats).
        timesteps: Read-out T.
        threads: Intra-op threads of the child process; 0 keeps torch's
            default.
        options: Further ``--cfg-options`` for tools/test.py.
    """
    config, ckpt = model.files(_variant(method, options))
    os.makedirs(work, exist_ok=True)
    if not osp.isfile(ckpt):
        return dict(refused=f'no checkpoint {ckpt}', seconds=0.0,
                    subset=subset, timesteps=list(timesteps),
                    options=list(options))
    log = osp.join(work, 'test.log')
    args = [sys.executable, 'tools/test.py', config, ckpt, '--snn', method,
            '--stats', '--calib-batches', '5', '--work-dir', work,
            '--timesteps', *map(str, timesteps), '--cfg-options',
            *_subset_options(subset), *options]
    env = dict(os.environ)
    if threads:
        env['OMP_NUM_THREADS'] = str(threads)
    start = time.perf_counter()
    with open(log, 'w') as out:
        proc = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT,
                              env=env)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        with open(log) as f:
            lines = [ln for ln in f.read().splitlines() if ln.strip()]
        reason = lines[-1] if lines else f'exit {proc.returncode}'
        if not reason.startswith('error: '):
            raise UserInputError(f'{model.key}/{method} crashed; see {log}')
        return dict(refused=reason[len('error: '):], seconds=seconds,
                    subset=subset, timesteps=list(timesteps),
                    options=list(options))
    with open(osp.join(work, 'curve.json')) as f:
        curve = json.load(f)
    return dict(curve=curve, seconds=seconds, config=config, checkpoint=ckpt,
                subset=subset, timesteps=list(timesteps),
                options=list(options))


def _method_key(method: str) -> str:
    """A preset's name: itself, or the stem of a preset file."""
    return osp.splitext(osp.basename(method))[0]


def _previous_run(work: str, subset: Dict, timesteps: Sequence[int],
                  options: Sequence[str]) -> Optional[Dict]:
    """The run.json an earlier invocation left for the same subset, T and
    ``--cfg-options``, if any."""
    path = osp.join(work, 'run.json')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        run = json.load(f)
    same = run.get('subset') == subset and \
        run.get('timesteps') == list(timesteps) and \
        run.get('options') == list(options)
    return run if same else None


def _single_inference(method: str) -> bool:
    """Whether each read-out step of ``method`` is a whole inference
    (One-Spike's functional form): its statistics are read at T = 1."""
    return load_method(method)['conversion']['method'] == 'onespike'


def _row(model: Model, method: str, run: Dict,
         timesteps: Sequence[int] = TIMESTEPS, stats_at: int = 0) -> str:
    """One markdown row: the curve's cells, the ANN, T99 and efficiency
    (at ``stats_at`` if given, else at T99 or the largest T)."""
    if 'refused' in run:
        return (f'| {model.name} | `{method}` | refused: '
                f'{run["refused"]} |' + ' |' * (len(timesteps) + 6))
    curve = run['curve']
    name = main_metric(curve)
    ann = curve['ann'][name]
    t99 = first_reaching(curve, name, TARGET)
    cells = []
    for t in timesteps:
        values = curve['timesteps'][str(t)]
        steps = f'{int(values["wake_steps"])}/{int(values["total_steps"])}'
        extra = f' ({values["bbox_mAP"]:.3f})' if 'bbox_mAP' in values \
            else ''
        cells.append(f'{values[name]:.3f}{extra} @{steps}')
    at = str(stats_at or (t99 if t99 is not None else timesteps[-1]))
    stats = curve['timesteps'][at]
    ann_extra = f' ({curve["ann"]["bbox_mAP"]:.3f})' \
        if 'bbox_mAP' in curve['ann'] else ''
    return (f'| {model.name} | `{method}` | ' + ' | '.join(cells) +
            f' | {ann:.3f}{ann_extra} | '
            f'{t99 if t99 is not None else f"> {timesteps[-1]}"} | '
            f'{stats["firing_rate"]:.4f} | {stats["sops"]:.3g} | '
            f'{stats["energy_ratio"]:.3f} | '
            f'{energy(dict(stats, analog_macs=0.0))["ratio"]:.3f} | '
            f'{100 * stats.get("sin_fraction", 0.0):.2f} |')


def _claims(runs: Dict[Tuple[str, str], Dict]) -> List[str]:
    """The papers' claims per model, from the runs that hold curves."""
    curves = {key: run['curve'] for key, run in runs.items()
              if 'curve' in run}
    checks = []
    for model in MODELS:
        def get(method: str):
            return curves.get((model.key, method))

        bsnn = sorted(method for key, method in curves
                      if key == model.key and method.startswith('bsnn'))
        pairs = [
            (f'BSNN (`{method}`) reaches 99 % of the ANN in <= 1/4 of '
             'IF\'s T', method, 'if_channel', dict(factor=4.0))
            for method in bsnn]
        pairs += [
            ('AugMapping needs fewer steps than TerMapping',
             'augmapping', 'termapping', dict(strict=True)),
            ('Spike Calibration lowers T99 against plain IF',
             'spicalib', 'if_channel', dict(strict=True)),
        ]
        for claim, method, reference, opts in pairs:
            if get(method) and get(reference):
                checks.append((model, check_fewer_steps(
                    claim, get(method), get(reference), **opts)))
        for method in sorted(method for key, method in curves
                             if key == model.key
                             and method.startswith('onespike')):
            checks.append((model, check_single_spike(
                f'One-Spike (`{method}`) within 1 % of the ANN, one spike '
                'per neuron', get(method))))
    return [f'| {model.name} | {c.claim} | **{c.verdict}** | {c.evidence} |'
            for model, c in checks]


def _markdown(rows: List[str], claims: List[str], images: int,
              cls_every: int, timing: str, command: str,
              timesteps: Sequence[int] = TIMESTEPS,
              analog_rows: Sequence[str] = (), figure: str = '') -> str:
    head = ('| model | method | ' +
            ' | '.join(f'T={t}' for t in timesteps) +
            ' | ANN | T99 | firing rate | SOPs / image | E / E_ANN | '
            'E_SOP / E_ANN | SIN % |')
    rule = '|' + '---|' * (len(timesteps) + 9)
    return '\n'.join([
        '# Conversion methods compared',
        '',
        f'Generated by `{command}` (do not edit by hand): {timing}',
        '',
        f'- Detectors: the first {images} images of the embedded val split; '
        'metric mAP@0.5 with bbox mAP@[.5:.95] in brackets (COCO, '
        'pycocotools through mmdet\'s CocoMetric). Classifier: one val '
        f'crop in {cls_every} (StridedSampler: every class in proportion), '
        'top-1 %.',
        '- Each cell: metric @ wake/total steps (wake-sleep methods spend '
        'sleep steps; two-stage detectors count both stages).',
        '- ANN: the converted network\'s own ANN on the same images (the '
        'quantized ANN for CASC). T99: smallest T reaching 99 % of it.',
        f'- Firing rate, SOPs and energy at T99 (or T={timesteps[-1]}): '
        'spikes per neuron per step; synaptic operations per image '
        '(coefficient x fan-out); E / E_ANN the energy estimate relative to '
        'the ANN, E_SOP / E_ANN its synaptic part alone. Every run is '
        'spike-driven: a signed neuron sits at every identity site (a '
        'synaptic layer reading another\'s output), so only the input '
        'layer computes on analog values. SIN %: spikes of inactivated '
        'neurons (ANN activation 0, rectifying sites), each neuron\'s net '
        'signed count clipped at zero (a retraction lowers it), over all '
        'spikes.',
        f'- The {ENERGY_CONVENTIONS[0].lower()}{ENERGY_CONVENTIONS[1:]}',
        '- `onespike`: each T is one more single-spike inference (the '
        'functional form; all T give the same answer); its total steps are '
        'T x the network latency (depth + 1) K. Its firing rate, SOPs and '
        'energy are those of one inference (T = 1): the rate is spikes per '
        'neuron per input.',
        '- `bsnn`: a neuron at spiking depth d first fires after d phases of '
        'P = 4 steps, so nothing reaches the head before T > depth x P.',
        '',
        head,
        rule,
        *rows,
        '',
        *([f'![mAP@0.5 / top-1 against E / E_ANN]({figure})', '']
          if figure else []),
        *(['## Spike-driven against analog hand-overs', '',
           'The same runs with `spike_driven=False` (identity sites left '
           'analog, charged as MACs; CASC on the `*_casc-l8-analog` '
           'checkpoints): what the extra neurons cost in T99 and save in '
           'energy.', '',
           '| model | method | T99 spike-driven | T99 analog | '
           'E / E_ANN at T99, spike-driven | E / E_ANN at T99, analog |',
           '|---|---|---|---|---|---|', *analog_rows, '']
          if analog_rows else []),
        '## The papers\' claims on this data',
        '',
        'Checked by `spikedet.evaluation.claims` on the curves above; IF is '
        '`if_channel` (the same channel-wise 99.9 % thresholds). A curve '
        'that never reaches 99 % is only known to need more than T = '
        f'{timesteps[-1]}.',
        '',
        '| model | claim | verdict | measured |',
        '|---|---|---|---|',
        *claims,
        '',
    ])


def _at_t99(run: Dict) -> Tuple[Optional[int], Optional[float]]:
    """T99 of a run and E / E_ANN there (None for a refused run or a curve
    that never reaches 99 %)."""
    if 'curve' not in run:
        return None, None
    curve = run['curve']
    t99 = first_reaching(curve, main_metric(curve), TARGET)
    if t99 is None:
        return None, None
    return t99, curve['timesteps'][str(t99)].get('energy_ratio')


def _analog_rows(runs: Dict[Tuple[str, str, bool], Dict]) -> List[str]:
    """Spike-driven against analog hand-overs, per model and method."""
    rows = []
    for model in MODELS:
        for (key, method, analog), run in runs.items():
            if key != model.key or analog or (key, method, True) not in runs:
                continue
            t_sd, e_sd = _at_t99(run)
            t_an, e_an = _at_t99(runs[key, method, True])

            def cell(value, fmt):
                return '-' if value is None else format(value, fmt)
            rows.append(f'| {model.name} | `{method}` | {cell(t_sd, "d")} | '
                        f'{cell(t_an, "d")} | {cell(e_sd, ".3f")} | '
                        f'{cell(e_an, ".3f")} |')
    return rows


def _energy_figure(runs: Dict[Tuple[str, str, bool], Dict],
                   path: str) -> None:
    """mAP@0.5 (top-1) against E / E_ANN of every spike-driven run."""
    panels = {}
    for model in MODELS:
        front, ann = [], None
        for (key, method, analog), run in runs.items():
            if key != model.key or analog or 'curve' not in run:
                continue
            curve = run['curve']
            name = main_metric(curve)
            ann = curve['ann'][name]
            front.append((method, [(v['energy_ratio'], v[name])
                                   for v in curve['timesteps'].values()
                                   if 'energy_ratio' in v]))
        if front:
            panels[model.name] = (front, ann)
    plot_energy_fronts(panels, 'mAP@0.5 (detectors) / top-1 (classifier)',
                       path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images', type=int, default=20,
                        help='val images per detector run (the first N)')
    parser.add_argument('--cls-every', type=int, default=3,
                        help='classifier runs take every k-th val crop')
    parser.add_argument('--jobs', type=int, default=2,
                        help='runs side by side, one thread each')
    parser.add_argument('--methods', nargs='+', default=None,
                        help='presets to run, by name or preset file path '
                        '(default: every preset)')
    parser.add_argument('--timesteps', type=int, nargs='+',
                        default=list(TIMESTEPS), help='read-out T')
    parser.add_argument('--models', nargs='+', default=None,
                        choices=[m.key for m in MODELS])
    parser.add_argument('--work-dir', default='work_dirs/compare')
    parser.add_argument('--reuse', action='store_true',
                        help='keep runs already in --work-dir for the same '
                        'image count (finish an interrupted comparison)')
    parser.add_argument('--out', default='docs/results.md')
    parser.add_argument('--analog', action='store_true',
                        help='also run every method with spike_driven=False '
                        'and tabulate the difference')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='passed on to every tools/test.py run (e.g. '
                        'another data_root)')
    args = parser.parse_args()
    if min(args.images, args.cls_every, args.jobs) < 1:
        raise UserInputError('--images, --cls-every and --jobs must be >= 1')
    timesteps = check_timesteps(args.timesteps)
    methods: Sequence[str] = args.methods or available_methods()
    unknown = sorted(m for m in methods if m not in available_methods()
                     and not (m.endswith('.py') and osp.isfile(m)))
    if unknown:
        raise UserInputError(f'unknown method(s) {unknown}; choose from '
                             f'{available_methods()} or give preset files')
    models = [m for m in MODELS if not args.models or m.key in args.models]
    jobs = [(model, method, analog) for model in models
            for method in methods for analog in
            ((False, True) if args.analog else (False,))]
    threads = 1 if args.jobs > 1 else 0
    reused: List[str] = []
    stats_at = {m: 1 if _single_inference(m) else 0 for m in methods}

    def one(job: Tuple[Model, str, bool]) -> Dict:
        model, method, analog = job
        subset = dict(images=args.images) if model.detector else \
            dict(every=args.cls_every)
        options = [*args.cfg_options, *([ANALOG] if analog else [])]
        work = osp.join(args.work_dir, model.key, _method_key(method) +
                        ('_analog' if analog else ''))
        previous = _previous_run(work, subset, timesteps, options) \
            if args.reuse else None
        if previous is not None:
            reused.append(f'{model.key}/{method}')
            run = previous
        else:
            run = _run(model, method, subset, work, timesteps, threads,
                       options)
            atomic_write_json(osp.join(work, 'run.json'), run, 2)
        label = _method_key(method) + (' (analog)' if analog else '')
        print(_row(model, label, run, timesteps, stats_at[method]),
              flush=True)
        return run

    start = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        keys = [(m.key, _method_key(method), analog)
                for m, method, analog in jobs]
        runs = dict(zip(keys, pool.map(one, jobs)))
    rows = [_row(m, key, runs[m.key, key, False], timesteps,
                 stats_at[method])
            for (m, method, analog), (_, key, _) in zip(jobs, keys)
            if not analog]
    wall = (time.perf_counter() - start) / 60
    busy = sum(run['seconds'] for run in runs.values()) / 60
    timing = (f'{len(jobs)} runs, {args.jobs} side by side; '
              f'the runs took {busy:.0f} min of process time')
    timing += (f', {len(reused)} of them reused from an earlier invocation '
               f'(this one: {wall:.0f} min).' if reused else
               f', {wall:.0f} min wall time on this machine (2 cores).')
    command = ' '.join(['python tools/compare.py', *sys.argv[1:]])
    figure = osp.splitext(args.out)[0] + '_energy.png'
    _energy_figure(runs, figure)
    spike_driven = {(k, m): run for (k, m, analog), run in runs.items()
                    if not analog}
    text = _markdown(rows, _claims(spike_driven), args.images,
                     args.cls_every, timing, command, timesteps,
                     _analog_rows(runs), osp.basename(figure))
    atomic_write_text(args.out, text)
    print(f'wrote {args.out} and {figure}')
    return 0


if __name__ == '__main__':
    run_cli(main)
