"""The support matrix, larger and longer (a benchmark, not a test).

    python benchmarks/support_matrix.py [--size 128] [--timesteps 8 64 256]
        [--families 'DETR R50' ...] [--detr-layers 6 6]

Every family that ``docs/support_matrix.md`` lists as converting (the
test checks that page against its own matrix) is probed as the test
probes it (:mod:`spikedet.engine.family_probe`: random weights, BatchNorm
statistics of random images, ``if_channel`` calibrated on the probe image
at the 100th percentile), here at a larger input, with the DETRs' full
encoder and decoder by default and longer simulations. Printed per
family: the relative error of the simulated stage's raw outputs at each
T, whether the error at the largest T is at most half that at the first,
the analog islands and the wall time. A family whose conversion fails
prints its one-line reason instead. Everything printed is measured on
this machine in this run.
"""
import argparse
import re
import time
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / 'docs' / 'support_matrix.md'


def converting_families():
    """``(family, config)`` of each row that converts."""
    rows = []
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) >= 3 and cells[2].startswith('converts'):
            rows.append((cells[0], re.sub(r'`', '', cells[1])))
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--size', type=int, default=128)
    p.add_argument('--timesteps', type=int, nargs='+', default=[8, 64, 256])
    p.add_argument('--families', nargs='+', default=None)
    p.add_argument('--detr-layers', type=int, nargs=2, default=None,
                   metavar=('ENCODER', 'DECODER'),
                   help="a DETR's layers (default: its config's)")
    args = p.parse_args()

    import torch

    from spikedet.engine.family_probe import (build_probe, mmdet_model,
                                              relative_errors)
    from spikedet.neurons import CompensatedOp
    from spikedet.utils.setup_env import register_all_modules
    register_all_modules()
    torch.set_grad_enabled(False)
    steps = sorted(args.timesteps)
    print(f'{args.size} px, random weights; relative error of the '
          'simulated stage at T = ' + ' / '.join(map(str, steps)))
    for family, config in converting_families():
        if args.families and family not in args.families:
            continue
        start = time.perf_counter()
        model = mmdet_model(config)
        if 'encoder' in model and args.detr_layers:
            model.encoder.num_layers, model.decoder.num_layers = \
                args.detr_layers
        try:
            snn = build_probe(model, args.size, steps)
            errors = relative_errors(snn, args.size, steps)
        except Exception as err:  # noqa: BLE001 - report and go on
            print(f'{family}: failed: {str(err).splitlines()[0]}')
            continue
        islands = sorted({m.name for m in snn.net.modules()
                          if isinstance(m, CompensatedOp) and m.analog_work})
        values = [errors[t] for t in steps]
        halved = values[-1] <= 0.5 * values[0]
        print(f'{family}: ' + ' / '.join(f'{v:.3f}' for v in values) +
              f'  halved: {"yes" if halved else "no"}'
              f'  islands: {", ".join(islands) or "-"}'
              f'  {time.perf_counter() - start:.0f} s', flush=True)


if __name__ == '__main__':
    main()
