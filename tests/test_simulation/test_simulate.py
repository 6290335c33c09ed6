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


def test_a_pipelined_network_is_read_out_after_its_latency():
    # BSNN: the neuron of spiking depth d first fires in phase d, so the
    # head gets nothing before depth x P steps. The read-out at T averages
    # the T steps after that latency and reports it in the total steps.
    from spikedet.conversion import convert
    from spikedet.neurons import BistableNeuron
    from spikedet.simulation import latency
    torch.manual_seed(0)
    ann = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16),
                        nn.ReLU(), nn.Linear(16, 16), nn.ReLU(),
                        nn.Linear(16, 3)).eval()
    data = [torch.rand(32, 4) for _ in range(2)]
    snn = convert(ann, data, 'bsnn', phase=2)
    depths = sorted(m.depth for m in snn.modules()
                    if isinstance(m, BistableNeuron))
    assert depths == [1, 2, 3] and latency(snn) == 3 * 2
    x = data[0][:8]
    out = simulate(snn, x, [4, 64, 256])
    assert [(r.wake_steps, r.total_steps) for r in out.values()] == \
        [(4, 10), (64, 70), (256, 262)]
    # Reading from step 0 would average the empty pipeline in: the head's
    # bias alone for the first 6 steps.
    with torch.no_grad():
        target = ann(x)
        bias_only = snn[6].bias.expand_as(target)
    late = float((out[256].output - target).abs().mean())
    naive = (256 * out[256].output + 6 * bias_only) / 262
    assert late < float((naive - target).abs().mean())
    assert late < 0.05 * float(target.abs().mean())
