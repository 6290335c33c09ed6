"""Compiled neuron kernels against the eager ones: identical spikes,
emitted values and state over 64 steps for every neuron kind that has a
kernel; and the switch falls back to eager when compiling fails."""
import pytest
import torch

from spikedet.neurons import (ConsistentIFNeuron, IFNeuron,
                              SignedConsistentIFNeuron, SignedIFNeuron,
                              kernels, native)

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


def test_compiled_steps_equal_eager():
    pytest.importorskip('torch._inductor')
    inputs = torch.randn(64, 2, C, 5, 5,
                         generator=torch.Generator().manual_seed(3))
    for name, make in NEURONS.items():
        eager = _run(make(), inputs)
        with kernels.neuron_steps('compile'):
            fused = _run(make(), inputs)
        if kernels._COMPILE_FAILED:
            pytest.skip('torch.compile is not available here (no compiler)')
        for step, (a, b) in enumerate(zip(eager, fused)):
            for x, y in zip(a, b):
                assert torch.equal(x, y), (name, step)


def test_failed_compilation_falls_back_to_eager(monkeypatch):
    def broken(fn, **kwargs):
        def fails(*args):
            raise RuntimeError('no C++ compiler')
        return fails
    monkeypatch.setattr(torch, 'compile', broken)
    monkeypatch.setattr(kernels, '_COMPILED', {})
    monkeypatch.setattr(kernels, '_COMPILE_FAILED', [])
    neuron = IFNeuron(1.0)
    with pytest.warns(RuntimeWarning, match='compiling the neuron steps'), \
            kernels.neuron_steps('compile'):
        out = neuron(torch.full((1, 1, 2, 2), 1.5))
    assert torch.equal(out, torch.ones(1, 1, 2, 2))
    assert kernels._COMPILE_FAILED


def test_the_backend_is_a_scoped_choice():
    """Pure torch unless a context asks; the choice ends with it."""
    assert kernels.current_backend() == 'torch'
    with kernels.neuron_steps('compile'):
        assert kernels.current_backend() == 'compile'
        with kernels.neuron_steps('native'):
            assert kernels.current_backend() == 'native'
        assert kernels.current_backend() == 'compile'
    assert kernels.current_backend() == 'torch'
    with pytest.raises(ValueError, match='unknown neuron step backend'):
        kernels.check_backend('cuda')


def _reference_if(v, x, theta, max_spikes):
    v = v + x
    if max_spikes == 1:
        spikes = (v >= theta).to(x.dtype)
    else:
        spikes = torch.clamp(torch.floor(v / theta), 0, max_spikes)
    return spikes, spikes * theta, v - spikes * theta


def _reference_signed_if(v, x, theta, theta_neg, alpha):
    v = v + x
    pos, neg = v >= theta, v <= -theta_neg / alpha
    spikes = pos.to(x.dtype) - neg.to(x.dtype)
    value = torch.where(spikes > 0, spikes * theta, spikes * theta_neg)
    v = torch.where(pos, v - theta, torch.where(neg, v + theta_neg / alpha, v))
    return spikes, value, v


def _reference_signed_cif(state, x, theta, theta_neg, shift, wake, gamma):
    # The spec's step, written directly (state: v, count S).
    v, count = state
    v = v + x
    scale = torch.where(v >= 0, theta, theta_neg)
    level = torch.clamp(torch.floor(v.abs() / scale + shift), max=wake)
    target = torch.where(v >= 0, level, -level)
    spikes = torch.clamp(target - count, -gamma, gamma)
    count = count + spikes
    value = torch.where(count > 0, count * theta, count * theta_neg)
    return spikes, value, (v, count)


REFERENCES = {
    'if': (lambda: IFNeuron(_theta(0)),
           lambda v, x, t: _reference_if(v, x, t, 1)),
    'burst': (lambda: IFNeuron(_theta(0), max_spikes=3),
              lambda v, x, t: _reference_if(v, x, t, 3)),
    'signed_if_leaky': (
        lambda: SignedIFNeuron(_theta(0), alpha=0.1),
        lambda v, x, t: _reference_signed_if(v, x, t, t, 0.1)),
    'signed_if_identity': (
        lambda: SignedIFNeuron(_theta(0), alpha=1.0, neg_threshold=_theta(1)),
        lambda v, x, t: _reference_signed_if(v, x, t,
                                             _theta(1).view(1, C, 1, 1), 1.0)),
}


def _signed_cif_reference(neuron, x, state, theta, step):
    if state is None:
        state = (torch.zeros_like(x), torch.zeros_like(x))
    theta_neg = neuron.neg_threshold.view(1, C, 1, 1)
    wake = min(step + 1, 48)
    spikes, value, state = _reference_signed_cif(
        state, torch.zeros_like(x) if step >= 48 else x, theta, theta_neg,
        neuron.shift, wake, neuron.max_spikes)
    return spikes, value, state


@pytest.fixture(params=['eager', 'fused'])
def step_path(request):
    """Each kernel as eager torch, and as a fused C step where there is
    one (the fused steps' own tests check that it is taken)."""
    if request.param == 'fused' and native.library() is None:
        pytest.skip('the fused steps are not built here '
                    '(tools/build_native.py)')
    with kernels.neuron_steps('native' if request.param == 'fused'
                              else 'torch'):
        yield request.param


@pytest.mark.parametrize('name', list(REFERENCES))
def test_kernels_follow_the_definition(name, step_path):
    # The kernels skip passes (no bool tensors, one select for the
    # reset): spikes, values and membranes must still be the textbook
    # step's, bit for bit, in float64, over 64 steps.
    make, reference = REFERENCES[name]
    neuron = make().double()
    theta = neuron.threshold.view(1, C, 1, 1)
    inputs = torch.randn(64, 2, C, 5, 5, dtype=torch.float64,
                         generator=torch.Generator().manual_seed(4))
    v = torch.zeros_like(inputs[0])
    fired = torch.zeros(2)
    for step, x in enumerate(inputs):
        out = neuron(x)
        spikes, value, v = reference(v, x, theta)
        assert torch.equal(neuron.last_spikes, spikes), (name, step)
        assert torch.equal(out, value), (name, step)
        assert torch.equal(neuron.v, v), (name, step)
        fired += torch.stack([(spikes > 0).sum(), (spikes < 0).sum()])
    assert fired[0] > 0  # not vacuous: both signs where the neuron has them
    assert (fired[1] > 0) == name.startswith('signed')


@pytest.mark.parametrize('gamma', [1, 2])
def test_signed_cif_kernel_follows_the_definition(gamma):
    # Its kernel selects by lerp on 0. / 1. masks and signs by copysign
    # instead of bool selects; 48 wake steps then 16 sleep steps must
    # give the spec's spikes, emitted values (E(S) differences) and state.
    neuron = SignedConsistentIFNeuron(_theta(0), _theta(1), max_spikes=gamma,
                                      shift=0.5).double()
    theta = neuron.threshold.view(1, C, 1, 1)
    inputs = torch.randn(64, 2, C, 5, 5, dtype=torch.float64,
                         generator=torch.Generator().manual_seed(5))
    state, previous = None, 0.0
    fired = torch.zeros(2)
    for step, x in enumerate(inputs):
        neuron.sleep = step >= 48
        out = neuron(torch.zeros_like(x) if neuron.sleep else x)
        spikes, value, state = _signed_cif_reference(neuron, x, state, theta,
                                                     step)
        assert torch.equal(neuron.last_spikes, spikes), (gamma, step)
        assert torch.equal(out, value - previous), (gamma, step)
        assert torch.equal(neuron.v, state[0]), (gamma, step)
        assert torch.equal(neuron.count, state[1]), (gamma, step)
        previous = value
        fired += torch.stack([(spikes > 0).sum(), (spikes < 0).sum()])
    assert (fired > 0).all()
