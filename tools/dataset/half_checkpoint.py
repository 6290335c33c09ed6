"""Store a plain checkpoint's floating-point tensors in float16, in place.

    python tools/dataset/half_checkpoint.py data/checkpoints/X.pth [...]

Halves the file, so the RTMDet-tiny's 4.9 M parameters fit the 10 MiB a
committed checkpoint keeps to; loading casts them back into the model's
float32 parameters. Tensors shared by several keys (the RTMDet head's
convs) stay shared. The metadata records it (``meta['stored_as']``).
"""
import argparse
from typing import Dict, Tuple

import torch

from spikedet.utils.checkpoint import read_checkpoint, save_weights
from spikedet.utils.cli import run_cli


def halved(state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """``state`` with its floating-point tensors in float16, views of one
    storage still sharing one."""
    done: Dict[Tuple, torch.Tensor] = {}

    def half(tensor: torch.Tensor) -> torch.Tensor:
        if not tensor.is_floating_point():
            return tensor
        key = (tensor.untyped_storage().data_ptr(), tensor.storage_offset(),
               tuple(tensor.shape), tuple(tensor.stride()))
        return done.setdefault(key, tensor.half())

    return {k: half(v) for k, v in state.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoints', nargs='+')
    for path in parser.parse_args().checkpoints:
        loaded = read_checkpoint(path)
        tensors, size = save_weights(
            path, halved(loaded['state_dict']),
            dict(loaded['meta'], stored_as='float16'))
        print(f'{path}: {tensors} tensors, {size / 2**20:.2f} MiB')
    return 0


if __name__ == '__main__':
    run_cli(main)
