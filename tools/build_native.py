"""Build the fused C neuron steps once per machine (``make setup`` runs it).

    python tools/build_native.py

The library goes to ``$SPIKEDET_KERNEL_CACHE`` (default
``~/.cache/spikedet/kernels``); simulations load it under the ``native``
backend (the tools' default, ``--backend``) and never build it. Without a C
compiler this exits 2 and the pure-torch steps run instead (same spikes).
"""
from spikedet.neurons import native
from spikedet.utils.cli import run_cli
from spikedet.errors import UserInputError


def main() -> int:
    try:
        path = native.build_library()
    except RuntimeError as error:
        raise UserInputError(str(error)) from None
    print(f'fused neuron steps: {path}')
    return 0


if __name__ == '__main__':
    run_cli(main)
