"""One-Spike's per-layer code: negative scale, selection, bias correction."""
import torch
from torch import nn

from spikedet.conversion import convert
from spikedet.neurons import OneSpikeNeuron
from spikedet.simulation import simulate


def _mlp(act: nn.Module) -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 32), act, nn.Linear(32, 4)).eval()


def _data(n=3):
    g = torch.Generator().manual_seed(1)
    return [torch.randn(64, 6, generator=g) for _ in range(n)]


def test_leaky_negatives_are_coded_on_their_own_scale():
    ann, data = _mlp(nn.LeakyReLU(0.1)), _data()
    snn = convert(ann, data, 'onespike', phases=8, select=True,
                  threshold='percentile')
    neuron = snn[1]
    with torch.no_grad():
        a = ann[1](ann[0](torch.cat(data)))
    neg = torch.where(a < 0, -a, torch.full_like(a, float('nan')))
    # The negative scale is the negative side's own 99.9 % percentile per
    # channel (a tenth of the positive one here), not the positive one.
    assert torch.allclose(neuron.neg_threshold,
                          torch.nanquantile(neg, 0.999, dim=0), rtol=0.05)
    assert (neuron.neg_threshold < 0.3 * neuron.threshold).all()
    # K = 8 phases keep almost every negative value (on the positive scale
    # about nine in ten fell below the smallest level).
    coded = neuron.emit(neuron.levels(a), a)
    assert float((coded[a < 0] != 0).float().mean()) > 0.8


def test_the_next_layers_mean_error_is_corrected_in_its_bias():
    ann, data = _mlp(nn.ReLU()), _data()
    corrected = convert(ann, data, 'onespike', phases=8, select=True)
    plain = convert(ann, data, 'onespike', phases=8, select=False)
    x = torch.cat(data)
    with torch.no_grad():
        target = ann(x)
    err = {name: simulate(snn, x, [1])[1].output - target
           for name, snn in (('corrected', corrected), ('plain', plain))}
    # On the calibration data the head's mean error per output is removed
    # (the head reads the neurons directly); without correction it stays.
    assert err['corrected'].mean(0).abs().max() < 1e-4
    assert err['plain'].mean(0).abs().max() > 1e-3
    assert not torch.equal(corrected[2].bias, ann[2].bias)
    assert isinstance(corrected[1], OneSpikeNeuron)
