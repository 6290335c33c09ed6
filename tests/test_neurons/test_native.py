"""The fused C neuron steps against the eager kernels: identical spikes,
emitted values and membranes over 64 steps, into a fresh tensor or over
the input; the layouts they decline; building ahead of use, caching, and
falling back to pure torch when the library is not built."""
from pathlib import Path

import pytest
import torch

from spikedet.neurons import (ConsistentIFNeuron, IFNeuron, SignedIFNeuron,
                              kernels, native)
from spikedet.neurons.signed_cif_neuron import SignedConsistentIFNeuron

C = 4


def _theta(seed: int, dtype=torch.float32) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(C, generator=generator) + 0.3).to(dtype)


NEURONS = {
    'if': lambda d: IFNeuron(_theta(0, d)),
    'if_scalar': lambda d: IFNeuron(0.6),
    'burst': lambda d: IFNeuron(_theta(0, d), max_spikes=3),
    'signed_if_leaky': lambda d: SignedIFNeuron(_theta(0, d), alpha=0.1),
    'signed_if_identity': lambda d: SignedIFNeuron(
        _theta(0, d), alpha=1.0, neg_threshold=_theta(1, d)),
    'consistent': lambda d: ConsistentIFNeuron(_theta(0, d)),
    'consistent_burst': lambda d: ConsistentIFNeuron(_theta(0, d),
                                                     max_spikes=2),
    'signed_consistent': lambda d: SignedConsistentIFNeuron(
        _theta(0, d), _theta(1, d), max_spikes=2, shift=0.5),
}


@pytest.fixture(scope='module')
def fresh_cache(tmp_path_factory):
    """A kernel cache of this module's own, empty at first."""
    return tmp_path_factory.mktemp('kernels')


@pytest.fixture
def built(fresh_cache, monkeypatch):
    """The library built afresh into a temporary cache (once per module:
    a build takes about a second), the native backend on."""
    monkeypatch.setenv('SPIKEDET_KERNEL_CACHE', str(fresh_cache))
    native.forget_library()
    try:
        native.build_library()
    except RuntimeError as error:
        pytest.skip(f'{error}: the pure-torch steps run instead')
    assert native.library() is not None
    with kernels.neuron_steps('native'):
        yield fresh_cache
    native.forget_library()


def _run(neuron, inputs):
    outs = []
    for x in inputs:
        out = neuron(x)
        outs.append((neuron.last_spikes.clone(), out.clone(),
                     neuron.v.clone()))
    neuron.reset()
    return outs


def _fused_call(neuron, x, monkeypatch):
    """Whether ``neuron``'s first call on ``x`` runs a fused step (on a
    copy of ``x``; the neuron is reset after)."""
    taken = []
    run = native._run

    def spy(*args, **kwargs):
        out = run(*args, **kwargs)
        taken.append(out is not None)
        return out

    monkeypatch.setattr(native, '_run', spy)
    neuron(x.clone(memory_format=torch.preserve_format))
    monkeypatch.setattr(native, '_run', run)
    neuron.reset()
    return taken == [True]


@pytest.mark.parametrize('overwrite', [False, True])
@pytest.mark.parametrize('layout', ['planar', 'channels_last'])
@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
@pytest.mark.parametrize('name', sorted(NEURONS))
def test_native_steps_equal_eager(built, name, dtype, layout, overwrite,
                                  monkeypatch):
    # Currents of several thresholds' size: bursts and both signs fire.
    inputs = 2 * torch.randn(64, 2, C, 5, 5, dtype=dtype,
                             generator=torch.Generator().manual_seed(3))
    with kernels.neuron_steps('torch'):
        eager = _run(NEURONS[name](dtype), inputs)
    if layout == 'channels_last':  # the same values, channel innermost
        inputs = [x.contiguous(memory_format=torch.channels_last)
                  for x in inputs]
    neuron = NEURONS[name](dtype)
    assert _fused_call(neuron, inputs[0], monkeypatch)  # really taken
    neuron.overwrite_input = overwrite  # the spikes are derived either way
    fused = _run(neuron, [x.clone(memory_format=torch.preserve_format)
                          for x in inputs])
    assert fused[-1][1].is_contiguous(
        memory_format=torch.channels_last) == (layout == 'channels_last')
    for step, (a, b) in enumerate(zip(eager, fused)):
        for x, y in zip(a, b):
            assert torch.equal(x, y), (name, step)
    assert any(s.abs().sum() > 0 for s, _, _ in fused)


@pytest.mark.parametrize('name', ['if', 'signed_if_leaky'])
def test_overwriting_step_writes_over_its_input_and_says_so(built, name):
    neuron = NEURONS[name](torch.float32)
    neuron.overwrite_input = True
    x = 2 * torch.randn(1, C, 4, 4, generator=torch.Generator().manual_seed(0))
    kept, version = x.clone(), x._version
    seen = []
    neuron.register_forward_hook(
        lambda m, a, out: seen.append(m.last_spikes.clone()))
    out = neuron(x)
    assert out is x and x._version > version  # autograd / caches see it
    assert not torch.equal(x, kept)
    reference = NEURONS[name](torch.float32)  # same step, fresh output
    assert torch.equal(reference(kept), out)
    assert torch.equal(seen[0], reference.last_spikes)


def test_native_steps_on_linear_layers(built):
    x = torch.randn(3, C)
    theta = _theta(0).view(1, C)
    v_a, v_b = torch.zeros_like(x), torch.zeros_like(x)
    spikes, value = native.if_subtract(v_a, x, theta, 1)
    with kernels.neuron_steps('torch'):
        eager = kernels.if_subtract(v_b, x, theta, 1)
    assert spikes is None and torch.equal(value, eager[1])
    assert torch.equal(IFNeuron(theta.flatten()).spikes_of(value), eager[0])
    assert torch.equal(v_a, v_b)


@pytest.mark.parametrize('case', ['mixed_layouts', 'strided', 'int', 'grad',
                                  'meta', 'threshold_shape'])
def test_unsupported_layouts_are_declined(built, case):
    x, v = torch.randn(1, C, 3, 3), torch.zeros(1, C, 3, 3)
    theta = _theta(0).view(1, C, 1, 1)
    if case == 'mixed_layouts':
        x = x.to(memory_format=torch.channels_last)
    elif case == 'strided':
        x, v = torch.randn(1, C, 3, 6)[..., ::2], torch.zeros(1, C, 3, 3)
    elif case == 'int':
        x, v, theta = x.int(), v.int(), theta.int()
    elif case == 'grad':
        x.requires_grad_(True)
    elif case == 'meta':
        x, v, theta = x.to('meta'), v.to('meta'), theta.to('meta')
    elif case == 'threshold_shape':
        theta = torch.rand(1, 1, 3, 1)
    assert native.if_subtract(v, x, theta, 1) is None
    if case != 'meta':
        assert torch.equal(v, torch.zeros_like(v))  # nothing was touched


def test_scalar_and_channel_thresholds_mix(built):
    # A scalar carried beside per-channel thresholds is read per channel.
    x = 3 * torch.randn(2, C, 3, 3, generator=torch.Generator().manual_seed(1))
    theta = _theta(0).view(1, C, 1, 1)
    carry = torch.tensor(-0.25)
    v_fused, v_eager = torch.zeros_like(x), torch.zeros_like(x)
    fused = native.signed_if(v_fused, x, theta, -theta, carry, True)
    assert fused is not None
    with kernels.neuron_steps('torch'):
        eager = kernels.signed_if(v_eager, x, theta, -theta, carry, True)
    assert fused[0] is None and (fused[1] < 0).any()
    assert torch.equal(torch.sign(fused[1]), eager[0])
    assert torch.equal(fused[1], eager[1]) and torch.equal(v_fused, v_eager)


def test_library_is_built_once_and_cached(built):
    first = list(Path(built).glob('neuron_steps-*.so'))
    assert len(first) == 1
    stamp = first[0].stat().st_mtime_ns
    assert native.build_library() == first[0]  # found, not rebuilt
    native.forget_library()
    assert native.library() is not None
    assert [p.stat().st_mtime_ns for p in Path(built).glob('*.so')] == [stamp]
    assert not list(Path(built).glob('*.tmp*'))


def test_an_unbuilt_library_is_not_built_by_a_simulation(tmp_path,
                                                         monkeypatch):
    """The native backend never compiles: without a built library it
    loads nothing, builds nothing and the torch steps run."""
    monkeypatch.setenv('SPIKEDET_KERNEL_CACHE', str(tmp_path))
    native.forget_library()
    try:
        assert native.library() is None
        assert kernels.effective_backend('native') == 'torch'
        with kernels.neuron_steps('native'):
            out = IFNeuron(1.0)(torch.full((1, 1, 2, 2), 1.5))
        assert torch.equal(out, torch.ones(1, 1, 2, 2))
        assert not list(tmp_path.iterdir())
    finally:
        native.forget_library()


def test_no_compiler_cannot_build(tmp_path, monkeypatch):
    monkeypatch.setenv('SPIKEDET_KERNEL_CACHE', str(tmp_path))
    monkeypatch.setenv('CC', str(tmp_path / 'no-such-compiler'))
    native.forget_library()
    try:
        with pytest.raises(RuntimeError, match='no C compiler'):
            native.build_library()
        assert native.library() is None
    finally:
        native.forget_library()


def test_failed_build_says_so_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv('SPIKEDET_KERNEL_CACHE', str(tmp_path))
    monkeypatch.setenv('CC', 'false')  # a "compiler" that always fails
    native.forget_library()
    try:
        with pytest.raises(RuntimeError, match='fused neuron steps'):
            native.build_library()
        assert not list(tmp_path.iterdir())  # no partial file left
        assert native.library() is None
    finally:
        native.forget_library()
