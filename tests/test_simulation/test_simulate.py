import pytest
import torch
from torch import nn

from spikedet.conversion import convert
from spikedet.simulation import (SimulationError, WakeSleepSchedule,
                                 simulate, zeroed_constant_currents)


def _snn():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.Conv2d(4, 2, 1)).eval()
    x = torch.randn(2, 3, 6, 6)
    return convert(model, [x]), x


def test_one_pass_equals_separate_passes():
    snn, x = _snn()
    together = simulate(snn, x, [2, 5, 9])
    for T in (2, 5, 9):
        alone = simulate(snn, x, [T])[T]
        assert torch.equal(alone.output, together[T].output)


def test_state_is_reset_between_calls():
    snn, x = _snn()
    first = simulate(snn, x, [7])[7].output
    simulate(snn, torch.randn_like(x) * 5, [3])
    assert torch.equal(simulate(snn, x, [7])[7].output, first)


def test_wake_sleep_steps_are_recorded():
    snn, x = _snn()
    out = simulate(snn, x, [2, 4, 5, 8], WakeSleepSchedule(margin=4, sleep=3))
    assert [(r.wake_steps, r.total_steps) for r in out.values()] == \
        [(2, 2), (4, 7), (5, 8), (8, 14)]


def test_biases_zeroed_in_sleep_and_restored_bit_for_bit():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4),
                          nn.Linear(4, 2))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with zeroed_constant_currents(model):
        assert float(model[0].bias.abs().sum()) == 0
        assert float(model[1].running_mean.abs().sum()) == 0
        assert float(model[2].bias.abs().sum()) == 0
        assert torch.equal(model[0].weight, before['0.weight'])
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k])


@pytest.mark.parametrize('bad', [[0], [-4], [2.5], []])
def test_bad_timesteps(bad):
    snn, x = _snn()
    with pytest.raises(SimulationError):
        simulate(snn, x, bad)


def test_nested_outputs_are_accumulated():
    snn, x = _snn()
    def forward(model, inputs):
        y = model(inputs)
        return [y], {'y': y}

    out = simulate(snn, x, [3], forward=forward)
    single = simulate(snn, x, [3])[3].output
    assert torch.equal(out[3].output[0][0], single)
    assert torch.equal(out[3].output[1]['y'], single)
