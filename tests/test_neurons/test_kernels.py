"""Compiled neuron kernels against the eager ones: identical spikes,
emitted values and state over 64 steps for every neuron kind that has a
kernel; and the switch falls back to eager when compiling fails."""
import pytest
import torch

from spikedet.neurons import (ConsistentIFNeuron, IFNeuron,
                              SignedConsistentIFNeuron, SignedIFNeuron,
                              kernels)

C = 4


def _theta(seed: int) -> torch.Tensor:
    return torch.rand(C, generator=torch.Generator().manual_seed(seed)) + 0.3


NEURONS = {
    'if': lambda: IFNeuron(_theta(0)),
    'burst': lambda: IFNeuron(_theta(0), max_spikes=3),
    'signed_if_leaky': lambda: SignedIFNeuron(_theta(0), alpha=0.1),
    'signed_if_identity': lambda: SignedIFNeuron(
        _theta(0), alpha=1.0, neg_threshold=_theta(1)),
    'cif': lambda: ConsistentIFNeuron(_theta(0), max_spikes=2),
    'signed_cif': lambda: SignedConsistentIFNeuron(_theta(0), _theta(1),
                                                   shift=0.5),
}


def _run(neuron, inputs):
    outs = []
    for step, x in enumerate(inputs):
        neuron.sleep = step >= 48
        out = neuron(torch.zeros_like(x) if neuron.sleep else x)
        outs.append((neuron.last_spikes.clone(), out.clone(),
                     neuron.v.clone()))
    neuron.reset()
    return outs


@pytest.fixture
def compiled():
    kernels.set_compiled_steps(True)
    yield
    kernels.set_compiled_steps(False)


def test_compiled_steps_equal_eager(compiled):
    pytest.importorskip('torch._inductor')
    inputs = torch.randn(64, 2, C, 5, 5,
                         generator=torch.Generator().manual_seed(3))
    for name, make in NEURONS.items():
        kernels.set_compiled_steps(False)
        eager = _run(make(), inputs)
        kernels.set_compiled_steps(True)
        fused = _run(make(), inputs)
        if not kernels.compiled_steps():
            pytest.skip('torch.compile is not available here (no compiler)')
        for step, (a, b) in enumerate(zip(eager, fused)):
            for x, y in zip(a, b):
                assert torch.equal(x, y), (name, step)


def test_failed_compilation_falls_back_to_eager(compiled, monkeypatch):
    def broken(fn, **kwargs):
        def fails(*args):
            raise RuntimeError('no C++ compiler')
        return fails
    monkeypatch.setattr(torch, 'compile', broken)
    monkeypatch.setattr(kernels, '_COMPILED', {})
    neuron = IFNeuron(1.0)
    out = neuron(torch.full((1, 1, 2, 2), 1.5))
    assert torch.equal(out, torch.ones(1, 1, 2, 2))
    assert not kernels.compiled_steps()
