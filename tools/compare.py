"""Run every conversion method on every model and write docs/results.md.

    python tools/compare.py [--images 20] [--cls-every 3] [--jobs 2] \
        [--methods if_channel bsnn ...] [--models yolov3 ...] [--reuse] \
        [--extend-to 256] [--no-extend PRESET ...] [--analog [PRESET ...]] \
        [--out docs/results.md] [--cfg-options K=V ...]

For each committed model (harness.model_zoo) and each method preset
(spikedet.conversion.methods, or preset files) it runs the user's own
command, ``tools/test.py CFG CKPT --snn PRESET --stats``, spike-driven, on a
fixed val subset, reading out at T = 1, 2, 4, ..., 128 in one pass
(``--timesteps``). With ``--extend-to N``, a run whose curve has not
reached 99 % of its ANN by then runs again, once, to N (one pass gives
every T; its cells beyond the last T are ``-`` for runs that reached
99 % earlier, ``not run`` for runs left short: analog runs and the presets
named by ``--no-extend``, on every model or as ``MODEL:PRESET``). A method
that needs a quantization-aware ANN converts the ``*_casc-l<L>`` checkpoint
of its wake-sleep margin L. A preset that refuses a model gets a
row saying so. ``--analog [PRESET ...]`` also runs those presets (all
when none is named) with ``spike_driven=False`` and tabulates what the identity sites' neurons cost
in T99 and save in energy. The markdown holds the curves, T99, firing
rates, SOPs, E / E_ANN and SIN, the papers' claims checked on the curves,
and a figure of mAP@0.5 (top-1) against E / E_ANN beside it
(``<out stem>_energy.png``). Every run's curve, stats and log stay under
``--work-dir``; ``--reuse`` keeps the runs an earlier invocation left there
for the same subset and T. ``--jobs`` runs that many processes side by
side, one intra-op thread each.
"""
import argparse
import os.path as osp
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from harness.comparison_runs import Job, plan_jobs, run_job, subset_options
from harness.model_zoo import MODEL_ZOO
from harness.presets import check_presets, preset_key, preset_method
from spikedet.engine.spiking_config import available_methods
from spikedet.evaluation import comparison as cmp
from spikedet.simulation import (DEFAULT_TIMESTEPS, ENERGY_CONVENTIONS,
                                 check_timesteps)
from spikedet.utils.atomic_io import atomic_write_text
from spikedet.utils.cli import run_cli
from spikedet.errors import UserInputError
from spikedet.utils.revision import measured_on
from spikedet.visualization.energy_front import plot_energy_fronts

# The library's default read-outs up to 128 (--extend-to lengthens slow
# curves only).
TIMESTEPS = tuple(t for t in DEFAULT_TIMESTEPS if t <= 128)


def _parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--images', type=int, default=20,
                   help='val images per detector run (the first N)')
    p.add_argument('--cls-every', type=int, default=3,
                   help='classifier runs take every k-th val crop')
    p.add_argument('--jobs', type=int, default=2,
                   help='runs side by side, one thread each')
    p.add_argument('--methods', nargs='+', default=None,
                   help='presets by name or file (default: every preset)')
    p.add_argument('--timesteps', type=int, nargs='+',
                   default=list(TIMESTEPS), help='read-out T')
    p.add_argument('--extend-to', type=int, default=0,
                   help='run again to this T (e.g. 256) where a curve has '
                   'not reached 99 %% of its ANN (default: never)')
    p.add_argument('--no-extend', nargs='+', default=[], metavar='PRESET',
                   help='presets (or MODEL:PRESET) never run again to '
                   '--extend-to (cost)')
    p.add_argument('--models', nargs='+', default=None,
                   choices=[m.key for m in MODEL_ZOO])
    p.add_argument('--work-dir', default='work_dirs/compare')
    p.add_argument('--reuse', action='store_true',
                   help='keep the runs already in --work-dir')
    p.add_argument('--out', default='docs/results.md')
    p.add_argument('--analog', nargs='*', default=None, metavar='PRESET',
                   help='also run these presets (none named: all) with '
                   'spike_driven=False')
    p.add_argument('--cfg-options', nargs='+', default=[],
                   help='passed on to every tools/test.py run')
    return p.parse_args()


def main() -> int:
    args = _parse()
    if min(args.images, args.cls_every, args.jobs) < 1:
        raise UserInputError('--images, --cls-every and --jobs must be >= 1')
    timesteps = check_timesteps(args.timesteps)
    presets = check_presets(args.methods or available_methods())
    models = [m for m in MODEL_ZOO if not args.models or m.key in args.models]
    jobs = plan_jobs(models, presets,
                     presets if args.analog == [] else (args.analog or []))
    methods = {preset_key(p): preset_method(p) for p in presets}

    columns = [*timesteps, *cmp.doublings(timesteps, args.extend_to)]
    no_extend = {':'.join(p.split(':')[:-1] + [preset_key(p.split(':')[-1])])
                 for p in args.no_extend}

    def one(job: Job):
        first = cmp.single_readout(methods[job.key], timesteps)
        subset = subset_options(job.model, args.images, args.cls_every)
        threads = 1 if args.jobs > 1 else 0
        run = run_job(job, subset, args.work_dir,
                      timesteps[:1] if first else timesteps,
                      args.cfg_options, threads, args.reuse)
        short = first or job.analog or job.key in no_extend or \
            f'{job.model.key}:{job.key}' in no_extend
        longer = [] if short else cmp.extension(run, timesteps,
                                                args.extend_to)
        if longer:  # its own folder, so --reuse finds both runs
            run = run_job(job, subset, osp.join(args.work_dir, 'extended'),
                          longer, args.cfg_options, threads, args.reuse)
        print(cmp.table_row(job.model.name, job.label, run, columns,
                            first), flush=True)
        return run

    measured = measured_on()  # the code the runs start with
    start = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        runs = dict(zip(jobs, pool.map(one, jobs)))
    sections = cmp.Sections()
    for m in models:
        spike_driven, analog = ({j.key: r for j, r in runs.items()
                                 if j.model == m and j.analog == a}
                                for a in (False, True))
        sections.add(m.name, spike_driven, analog, methods, columns)
    figure = osp.splitext(args.out)[0] + '_energy.png'
    plot_energy_fronts(sections.panels,
                       'mAP@0.5 (detectors) / top-1 (classifier)', figure)
    timing = cmp.timing_text(list(runs.values()), args.jobs,
                             (time.perf_counter() - start) / 60)
    header = dict(command=' '.join(['python tools/compare.py', *sys.argv[1:]]),
                  timing=f'{timing} Measured {measured}.',
                  images=str(args.images), cls_every=str(args.cls_every),
                  energy=ENERGY_CONVENTIONS,
                  not_run=[p for p in available_methods() if p not in presets])
    atomic_write_text(args.out, cmp.results_markdown(
        sections.rows, sections.claims, columns, header, sections.analog,
        osp.basename(figure),
        {m.name: m.results_note for m in methods.values()
         if m is not None and m.results_note}))
    print(f'wrote {args.out} and {figure}')
    return 0


if __name__ == '__main__':
    run_cli(main)
