"""Draw the per-layer firing rate and synaptic operations of a spiking run.

    python tools/analyze_stats.py WORK_DIR/stats.json [--timestep T] [--out PNG]

``stats.json`` is written by ``tools/test.py --stats``. Without
``--timestep`` the largest read-out is drawn; the PNG goes beside the file
(``layers_T<t>.png``) unless ``--out`` names one.
"""
import argparse
import json
import os.path as osp

from spikedet.utils.atomic_io import ensure_writable_dir
from spikedet.utils.cli import run_cli
from spikedet.utils.errors import UserInputError
from spikedet.visualization.layer_stats import plot_layer_stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('stats', help='stats.json of tools/test.py --stats')
    parser.add_argument('--timestep', type=int, help='read-out T to draw')
    parser.add_argument('--out', help='PNG file to write')
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
    timestep = args.timestep or max(int(t) for t in stats['timesteps'])
    out = args.out or osp.join(osp.dirname(osp.abspath(args.stats)),
                               f'layers_T{timestep}.png')
    ensure_writable_dir(osp.dirname(osp.abspath(out)))
    plot_layer_stats(stats, timestep, out,
                     title=osp.basename(osp.dirname(osp.abspath(args.stats))))
    print(f'wrote {out}')
    return 0


if __name__ == '__main__':
    run_cli(main)
