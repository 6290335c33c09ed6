"""BSNN's bistable neuron (algorithms_others.md §6.2)."""
import pytest
import torch

from spikedet.neurons import BistableNeuron, IFNeuron


def test_no_spike_while_integrating():
    torch.manual_seed(0)
    for depth in (1, 2, 3):
        neuron = BistableNeuron(0.3, phase=4, coding='rate', depth=depth)
        for t in range(64):
            out = neuron(torch.rand(50))
            if neuron.integrating(t):
                assert (out == 0).all()
        assert neuron.integrating(0) == (depth % 2 == 1)


def test_uneven_input_with_negative_sum_never_fires():
    # Within each phase: +1, +1, -1, -1.5 (sum -0.5 < 0: ANN output 0).
    pattern = [1.0, 1.0, -1.0, -1.5]
    bistable = BistableNeuron(1.0, phase=4, coding='rate')
    plain = IFNeuron(1.0)
    b_count = p_count = 0.0
    for t in range(400):
        x = torch.tensor([pattern[t % 4]])
        b_count += float(bistable(x).sum())
        p_count += float(plain(x).sum())
    assert b_count == 0 and p_count > 0  # plain IF emits SIN


def test_fire_phase_input_is_buffered_to_the_next_integrate_phase():
    # Current only in the neuron's fire phases (a shortcut one phase early).
    phase = 4

    def run(sync: bool) -> float:
        neuron = BistableNeuron(1.0, phase=phase, coding='rate', depth=1,
                                sync=sync)
        total = 0.0
        for t in range(2 * 40 * phase):  # 40 cycles
            early = not neuron.integrating(t)
            total += float(neuron(torch.tensor([0.5 if early else 0.0])))
        return total

    # 0.5 per step for 4 steps per cycle: 2 spikes per cycle after the first.
    assert run(True) == pytest.approx(2 * 39, abs=2)
    assert run(False) == 0


@pytest.mark.parametrize('a', [0.0, 0.2, 0.55, 0.999])
def test_phase_coding_sends_the_potential_as_a_binary_fraction(a):
    # Phase reading, P = 4, theta = 2 P lambda / (1 - 2^-P) (lambda = 1):
    # one cycle of constant input a delivers 8 a; the fire phase sends it
    # bit by bit, theta / 2, / 4, / 8, / 16, each bit one spike carrying
    # its weight.
    theta = 8 / (1 - 2 ** -4)
    neuron = BistableNeuron(theta, phase=4, coding='phase', v_init=0.0)
    values = [neuron(torch.tensor([a])) for _ in range(16)]
    fire = torch.cat(values[4:8])  # depth 1 fires in phase 1
    expected = []
    v = 4 * a  # the first integrate phase: 4 steps of a
    for weight in (theta / 2, theta / 4, theta / 8, theta / 16):
        bit = float(v >= weight)
        expected.append(bit * weight)
        v -= bit * weight
    assert fire.tolist() == pytest.approx(expected)
    # One event per spike, whatever its level; the residual carries over:
    # the mean over many cycles converges to a.
    assert neuron.last_spikes.abs().max() <= 1
    steps = 800
    total = sum(float(neuron(torch.tensor([a]))) for _ in range(steps))
    assert abs(total / steps - a) < theta / steps * 4 + 1e-6


def test_phase_coding_refuses_an_unknown_reading():
    with pytest.raises(ValueError, match='coding'):
        BistableNeuron(1.0, phase=4, coding='burst')


@pytest.mark.parametrize('a', [0.0, 0.2, 0.55, 1.0])
def test_rate_over_a_cycle_with_doubled_threshold(a):
    # Constant input a at threshold 2 (= 2 lambda, lambda = 1): the mean
    # output converges to a.
    neuron = BistableNeuron(2.0, phase=4, v_init=0.5, coding='rate')
    steps = 800
    total = sum(float(neuron(torch.tensor([a]))) for _ in range(steps))
    assert abs(total / steps - a) < 2 * 2.0 / steps * 4 + 1e-9


def test_signed_spikes_for_leaky_relu():
    neuron = BistableNeuron(1.0, phase=2, coding='rate', alpha=0.1)
    total = sum(float(neuron(torch.tensor([-0.05]))) for _ in range(400))
    # Rate alpha * x: -0.005 per step, i.e. -2 over 400 steps (+- 1 spike).
    assert -3 <= total <= -1


def test_spiking_depths_of_a_resnet():
    import torchvision

    from spikedet.conversion import convert
    model = torchvision.models.resnet18(num_classes=3).eval()
    batch = torch.randn(1, 3, 32, 32)
    snn = convert(model, [batch], method='bsnn')
    block = snn.layer1[0]
    sites = block.relu.sites if hasattr(block.relu, 'sites') else None
    assert sites is not None and len(sites) == 2
    inner, out = sites[0].depth, sites[1].depth
    assert out == inner + 1
    assert snn.relu.depth == 1  # the stem
    depths = [m.depth for m in snn.modules() if isinstance(m, BistableNeuron)]
    assert max(depths) == 17  # stem + 8 blocks x 2


def _basic_block_net():
    import torchvision
    torch.manual_seed(0)
    block = torchvision.models.resnet.BasicBlock(8, 8)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1),
                               torch.nn.ReLU(), block,
                               torch.nn.AdaptiveAvgPool2d(1),
                               torch.nn.Flatten(),
                               torch.nn.Linear(8, 3)).eval()


def test_a_residual_blocks_output_neuron_integrates_only_in_its_phases():
    # Spec §6.2 invariants 1 and 4: the block's output neuron gets the
    # shortcut (one phase early) and the residual branch, yet its membrane
    # takes input only in its integrate phases and it fires only in its
    # fire phases: fire-phase input is buffered (our synchronous relay).
    from spikedet.conversion import convert
    from spikedet.simulation import simulate
    net = _basic_block_net()
    data = [torch.rand(2, 3, 8, 8) for _ in range(2)]
    snn = convert(net, data, 'bsnn_rate', phase=2)
    out_neuron = snn[2].relu.sites[1]
    assert out_neuron.depth == snn[2].relu.sites[0].depth + 1
    trace = []

    def before(module, args):
        trace.append([None if module.v is None else module.v.clone(),
                      module.t])

    def after(module, args, out):
        trace[-1] += [module.v.clone(), module.last_spikes.clone(),
                      module.theta(args[0])]

    handles = [out_neuron.register_forward_pre_hook(before),
               out_neuron.register_forward_hook(after)]
    simulate(snn, data[0], [24])
    for h in handles:
        h.remove()
    fire_steps = 0
    for v0, t, v1, spikes, theta in trace:
        if out_neuron.integrating(t):
            assert (spikes == 0).all()
        else:
            fire_steps += 1
            assert torch.allclose(v1, v0 - spikes * theta)
    assert fire_steps >= 8
    assert any(float(s.sum()) > 0 for *_, s, _ in trace)


@pytest.mark.parametrize('preset,phase', [('bsnn_rate', 2),
                                          ('bsnn_phase', 4)])
def test_bsnn_approaches_the_ann_on_a_deep_residual_net(preset, phase):
    # Spec §6.2: ResNet-18 (spiking depth 17), random weights; read out
    # after the pipeline latency, the error falls with T, in both readings.
    import torchvision

    from spikedet.conversion import convert
    from spikedet.simulation import latency, simulate
    torch.manual_seed(0)
    net = torchvision.models.resnet18(num_classes=5).eval()
    data = [torch.rand(2, 3, 16, 16) for _ in range(2)]
    snn = convert(net, data, preset, phase=phase)
    assert latency(snn) == 17 * phase
    with torch.no_grad():
        target = net(data[0])
    out = simulate(snn, data[0], [16, 128])
    err = {t: float((r.output - target).abs().mean() / target.abs().mean())
           for t, r in out.items()}
    assert err[128] < 0.5 * err[16]
    assert err[128] < 0.1
