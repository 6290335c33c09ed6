"""The in-place neuron steps against the plain out-of-place formulas they
replaced: identical spikes and emitted values, bit for bit, over 64 steps
(per-channel thresholds, random signed inputs, wake and sleep steps)."""
import math

import pytest
import torch

from spikedet.neurons import (ConsistentIFNeuron, DoubleThresholdNeuron,
                              IFNeuron, SignedConsistentIFNeuron,
                              SignedIFNeuron)

STEPS = 64
C = 5


def _theta(seed: int) -> torch.Tensor:
    return torch.rand(C, generator=torch.Generator().manual_seed(seed)) + 0.3


def _view(t: torch.Tensor) -> torch.Tensor:
    return t.view(1, C, 1, 1)


# -- the formulas of the eager, out-of-place steps -----------------------
def if_step(s, x, theta, reset, max_spikes):
    s['v'] = s['v'] + x
    if max_spikes == 1:
        spikes = (s['v'] >= theta).to(x.dtype)
    else:
        spikes = torch.clamp(torch.floor(s['v'] / theta), 0, max_spikes)
    if reset == 'subtract':
        s['v'] = s['v'] - spikes * theta
    else:
        s['v'] = torch.where(spikes > 0, torch.zeros_like(s['v']), s['v'])
    return spikes, spikes * theta


def signed_if_step(s, x, theta, theta_neg, alpha, reset):
    neg_theta = theta_neg / alpha
    s['v'] = s['v'] + x
    pos, neg = s['v'] >= theta, s['v'] <= -neg_theta
    spikes = pos.to(x.dtype) - neg.to(x.dtype)
    if reset == 'zero':
        s['v'] = torch.where(pos | neg, torch.zeros_like(s['v']), s['v'])
    else:
        s['v'] = s['v'] - torch.where(pos, theta, torch.zeros_like(s['v']))
        s['v'] = s['v'] + torch.where(neg, neg_theta,
                                      torch.zeros_like(s['v']))
    return spikes, torch.where(spikes > 0, spikes * theta,
                               spikes * theta_neg)


def cif_step(s, x, theta, gamma, sleep):
    s['v'] = s['v'] + x
    if not sleep:
        s['t'] += 1
    spikes = torch.floor(s['v'] / theta)
    low = -torch.clamp(s['S'], max=gamma)
    high = torch.clamp(s['t'] - s['S'], max=gamma)
    spikes = torch.minimum(torch.maximum(spikes, low), high)
    s['S'] = s['S'] + spikes
    s['v'] = s['v'] - spikes * theta
    return spikes, spikes * theta


def signed_cif_step(s, x, theta, theta_neg, gamma, shift, sleep):
    def value(count):
        return torch.where(count > 0, count * theta, count * theta_neg)
    s['v'] = s['v'] + x
    if not sleep:
        s['t'] += 1
    positive = s['v'] >= 0
    scale = torch.where(positive, theta, theta_neg)
    level = torch.clamp(torch.floor(s['v'].abs() / scale + shift),
                        max=s['t'])
    target = torch.where(positive, level, -level)
    spikes = torch.clamp(target - s['S'], -gamma, gamma)
    previous, s['S'] = s['S'], s['S'] + spikes
    return spikes, value(s['S']) - value(previous)


def double_threshold_step(s, x, theta, theta_neg, c_max, gate, alpha):
    theta_n = theta_neg / alpha
    cap = math.inf if c_max is None else float(c_max)
    s['v'] = s['v'] + x
    up = torch.clamp(torch.floor(s['v'] / theta), 0, cap)
    down = torch.clamp(torch.floor(-s['v'] / theta_n), 0, cap)
    if gate:
        down = torch.minimum(down, s['S'])
    down = torch.where(up > 0, torch.zeros_like(down), down)
    s['v'] = s['v'] - up * theta + down * theta_n
    spikes = up - down
    s['S'] = s['S'] + spikes
    return spikes, spikes * theta


CASES = {
    'if': (lambda: IFNeuron(_theta(0)),
           lambda s, x, sl: if_step(s, x, _view(_theta(0)), 'subtract', 1)),
    'if_zero': (lambda: IFNeuron(_theta(0), reset='zero'),
                lambda s, x, sl: if_step(s, x, _view(_theta(0)), 'zero', 1)),
    'burst': (lambda: IFNeuron(_theta(0), max_spikes=3),
              lambda s, x, sl: if_step(s, x, _view(_theta(0)), 'subtract',
                                       3)),
    'signed_if_leaky': (
        lambda: SignedIFNeuron(_theta(0), alpha=0.1),
        lambda s, x, sl: signed_if_step(s, x, _view(_theta(0)),
                                        _view(_theta(0)), 0.1, 'subtract')),
    'signed_if_identity': (
        lambda: SignedIFNeuron(_theta(0), alpha=1.0,
                               neg_threshold=_theta(1)),
        lambda s, x, sl: signed_if_step(s, x, _view(_theta(0)),
                                        _view(_theta(1)), 1.0, 'subtract')),
    'signed_if_zero': (
        lambda: SignedIFNeuron(_theta(0), alpha=0.1, reset='zero'),
        lambda s, x, sl: signed_if_step(s, x, _view(_theta(0)),
                                        _view(_theta(0)), 0.1, 'zero')),
    'cif': (lambda: ConsistentIFNeuron(_theta(0)),
            lambda s, x, sl: cif_step(s, x, _view(_theta(0)), 1, sl)),
    'cif_gamma2': (lambda: ConsistentIFNeuron(_theta(0), max_spikes=2),
                   lambda s, x, sl: cif_step(s, x, _view(_theta(0)), 2, sl)),
    'signed_cif': (
        lambda: SignedConsistentIFNeuron(_theta(0), _theta(1), shift=0.5),
        lambda s, x, sl: signed_cif_step(s, x, _view(_theta(0)),
                                         _view(_theta(1)), 1, 0.5, sl)),
    'termapping': (
        lambda: DoubleThresholdNeuron(_theta(0)),
        lambda s, x, sl: double_threshold_step(
            s, x, _view(_theta(0)), _view(_theta(0)), 1, True, 1.0)),
    'augmapping_leaky': (
        lambda: DoubleThresholdNeuron(_theta(0), c_max=None, gate=False,
                                      alpha=0.1),
        lambda s, x, sl: double_threshold_step(
            s, x, _view(_theta(0)), _view(_theta(0)), None, False, 0.1)),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_in_place_step_equals_the_plain_formula(name):
    make, reference = CASES[name]
    neuron = make()
    g = torch.Generator().manual_seed(2)
    inputs = torch.randn(STEPS, 2, C, 3, 3, generator=g)
    state = dict(v=torch.zeros(2, C, 3, 3), S=torch.zeros(2, C, 3, 3), t=0)
    for step, x in enumerate(inputs):
        sleep = step >= 48  # CASC's sleep steps: zero input, no clock
        if sleep:
            x = torch.zeros_like(x)
        neuron.sleep = sleep
        out = neuron(x)
        spikes, value = reference(state, x, sleep)
        assert torch.equal(neuron.last_spikes, spikes), (name, step)
        assert torch.equal(out, value), (name, step)
        assert torch.equal(neuron.v, state['v']), (name, step)
