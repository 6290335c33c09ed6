"""spikedet's conversion against SpikingJelly 2.0.0's on torchvision's
ResNet-18 and VGG-11: wall time of the same simulation (a benchmark, not a
test; SpikingJelly is not a dependency of spikedet).

    pip install --target /tmp/sjlib spikingjelly==2.0.0 loguru requests tqdm
    PYTHONPATH=/tmp/sjlib python benchmarks/vs_spikingjelly.py \
        [--timesteps 32] [--batch 4] [--size 64] [--backend native] [--chunk 4]
        [--repeats 3]

Both convert the same random-weight network (BatchNorm statistics set on
random images, so activations do not vanish) from the same calibration
batch with a layer-wise 99.9th-percentile threshold and simulate the same
inputs for T steps with IF neurons (reset by subtraction); spikedet with
``simulate``, SpikingJelly with its documented loop (``reset_net``, then
T calls, outputs summed), each the fastest of ``--repeats`` simulations.
spikedet runs twice: one step per forward call, as SpikingJelly's
converted network runs, and ``--chunk K`` consecutive steps per call
(``simulate(..., chunk=K)``: the same steps, the layers batched over
them; SpikingJelly's converter gives plain torch layers, which have no
multi-step mode). Prints each wall time, the ratios, and each SNN's
relative error against the ANN, so all are seen doing the same
work. Everything printed is measured in this run.
"""
import argparse
import time

import torch
import torchvision


def _normalised(name: str, calib: torch.Tensor) -> torch.nn.Module:
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(num_classes=10)
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.momentum = None
    model.train()
    with torch.no_grad():
        model(calib)
    return model.eval()


def _spikedet(snn, x, timesteps, chunk, repeats, backend):
    from spikedet.neurons import kernels
    from spikedet.simulation import simulate
    with kernels.neuron_steps(backend):
        simulate(snn, x, [2], chunk=chunk)  # warm-up (and compilation)
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            out = simulate(snn, x, [timesteps], chunk=chunk)[timesteps].output
            seconds.append(time.perf_counter() - start)
    return min(seconds), out


def _spikingjelly(ann, calib, x, timesteps, repeats):
    from spikingjelly.activation_based import ann2snn, functional
    recipe = ann2snn.recipes.RateCodingRecipe(dataloader=[(calib, None)],
                                              mode='99.9%')
    snn = ann2snn.Converter(recipe).convert(ann).eval()
    with torch.no_grad():
        functional.reset_net(snn)
        snn(x)
        snn(x)  # warm-up
        seconds = []
        for _ in range(repeats):
            functional.reset_net(snn)
            start = time.perf_counter()
            total = snn(x)
            for _ in range(timesteps - 1):
                total = total + snn(x)
            seconds.append(time.perf_counter() - start)
        functional.reset_net(snn)
    return min(seconds), total / timesteps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--timesteps', type=int, default=32)
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--backend', default='native',
                        choices=('torch', 'native', 'compile'),
                        help="spikedet's neuron steps (the tools' default: "
                        'native, the fused C steps where built)')
    parser.add_argument('--chunk', type=int, default=4,
                        help='spikedet\'s second run: wake steps per '
                        'forward call')
    parser.add_argument('--repeats', type=int, default=3,
                        help='simulations timed per run (the fastest kept)')
    args = parser.parse_args()
    from spikedet.conversion import convert
    from spikedet.neurons import kernels
    g = torch.Generator().manual_seed(1)
    calib = torch.randn(args.batch * 2, 3, args.size, args.size, generator=g)
    x = torch.randn(args.batch, 3, args.size, args.size, generator=g)
    print(f'T = {args.timesteps}, {args.batch} images of {args.size} px, '
          f'{torch.get_num_threads()} threads, fastest of {args.repeats}'
          + f', spikedet backend {kernels.effective_backend(args.backend)}')
    k = args.chunk
    print(f'| network | spikedet (s) | spikedet chunk {k} (s) | '
          f'SpikingJelly (s) | ratio | ratio chunk {k} | rel. error '
          f'spikedet | chunk {k} | SpikingJelly |')
    print('|---|---|---|---|---|---|---|---|---|')
    for name in ('resnet18', 'vgg11'):
        ann = _normalised(name, calib)
        with torch.no_grad():
            reference = ann(x)
        snn = convert(ann, [calib], 'if', percentile=99.9)
        r = args.repeats
        ours, out_ours = _spikedet(snn, x, args.timesteps, 1, r,
                                   args.backend)
        chunked, out_chunked = _spikedet(snn, x, args.timesteps, k, r,
                                         args.backend)
        theirs, out_theirs = _spikingjelly(_normalised(name, calib), calib,
                                           x, args.timesteps, r)
        err = [float((o - reference).norm() / reference.norm())
               for o in (out_ours, out_chunked, out_theirs)]
        print(f'| {name} | {ours:.2f} | {chunked:.2f} | {theirs:.2f} | '
              f'{ours / theirs:.2f} | {chunked / theirs:.2f} | '
              + ' | '.join(f'{e:.3f}' for e in err) + ' |', flush=True)


if __name__ == '__main__':
    main()
