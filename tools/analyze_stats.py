"""Draw the per-layer firing rate, synaptic operations and energy of a run.

    python tools/analyze_stats.py WORK_DIR/stats.json [--timestep T] [--out DIR]

``stats.json`` is written by ``tools/test.py --stats`` (which draws the
same figures at its largest T). Without ``--timestep`` the largest read-out
is drawn; ``layers_T<t>.png`` and ``energy_T<t>.png`` go beside the file
unless ``--out`` names a folder.
"""
import argparse
import json
import os.path as osp

from spikedet.utils.atomic_io import ensure_writable_dir
from spikedet.utils.cli import run_cli
from spikedet.errors import UserInputError
from spikedet.visualization.stats_figures import write_stats_figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('stats', help='stats.json of tools/test.py --stats')
    parser.add_argument('--timestep', type=int, help='read-out T to draw')
    parser.add_argument('--out', help='folder to write the PNGs into')
    args = parser.parse_args()
    try:
        with open(args.stats) as f:
            stats = json.load(f)
    except OSError as exc:
        raise UserInputError(f'cannot read {args.stats}: {exc.strerror}')
    except json.JSONDecodeError as exc:
        raise UserInputError(f'{args.stats} is not JSON ({exc.msg})')
    if not isinstance(stats, dict) or not stats.get('timesteps'):
        raise UserInputError(f'{args.stats} holds no per-T statistics '
                             '(write it with tools/test.py --stats)')
    here = osp.dirname(osp.abspath(args.stats))
    out = args.out or here
    ensure_writable_dir(out)
    for path in write_stats_figures(stats, out, args.timestep,
                                    title=osp.basename(here)):
        print(f'wrote {path}')
    return 0


if __name__ == '__main__':
    run_cli(main)
