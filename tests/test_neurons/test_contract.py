"""Contract every registered neuron must honour."""
import pytest
import torch

from spikedet.neurons import NEURONS, BaseNeuron


def _registered_neurons():
    import spikedet.models  # noqa: F401  (registers the neurons)
    from spikedet.registry import MODELS
    found = {}
    for name in list(MODELS.module_dict):
        cls = MODELS.get(name)
        if isinstance(cls, type) and issubclass(cls, BaseNeuron):
            found[name] = cls
    return found


@pytest.mark.needs_mm
def test_every_neuron_is_registered():
    assert set(NEURONS) <= set(_registered_neurons())


def _first_output(neuron: BaseNeuron, x: torch.Tensor) -> torch.Tensor:
    """The first non-zero output under constant input (a phased neuron
    such as BSNN's integrates before it fires)."""
    for _ in range(32):
        out = neuron(x)
        if out.abs().sum() > 0:
            return out
    return out


#: What a neuron's constructor requires besides its threshold (the
#: method's choice; each method module holds its defaults).
REQUIRED = dict(BistableNeuron=dict(phase=4, coding='rate'),
                OneSpikeNeuron=dict(base=2.0, phases=8))


@pytest.fixture(params=sorted(NEURONS))
def neuron(request) -> BaseNeuron:
    return NEURONS[request.param](threshold=0.5,
                                  **REQUIRED.get(request.param, {}))


@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
def test_shape_dtype_device(neuron, dtype):
    x = torch.randn(2, 3, 4, 5, dtype=dtype)
    out = neuron(x)
    assert out.shape == x.shape and out.dtype == dtype
    assert out.device == x.device
    assert neuron.v.dtype == dtype


def test_emits_multiples_of_threshold(neuron):
    """Counted spikes are integer multiples of the threshold; a one-spike
    level is one event of at most the threshold."""
    torch.manual_seed(0)
    for _ in range(5):
        out = neuron(torch.randn(4, 3) * 2)
        spikes = out / 0.5
        if neuron.spike_value_is_count:
            assert torch.allclose(spikes, spikes.round())
        else:
            assert (spikes.abs() <= 1).all()


def test_reset_restores_initial_state(neuron):
    x = torch.rand(3, 4) * 3
    first = [neuron(x).clone() for _ in range(4)]
    assert neuron.v is not None and neuron.last_spikes is not None
    neuron.reset()
    assert neuron.v is None and neuron.last_spikes is None
    again = [neuron(x).clone() for _ in range(4)]
    for a, b in zip(first, again):
        assert torch.equal(a, b)


def test_per_channel_threshold_and_state_dict(neuron):
    cls = type(neuron)
    per_channel = cls(threshold=torch.tensor([0.5, 1.0, 2.0]),
                      **REQUIRED.get(cls.__name__, {}))
    x = torch.full((1, 3, 2, 2), 4.0)
    out = _first_output(per_channel, x)
    assert torch.equal(out[0, :, 0, 0], torch.tensor([0.5, 1.0, 2.0]))
    assert 'threshold' in per_channel.state_dict()
    assert 'v' not in per_channel.state_dict()


def test_rejects_bad_thresholds(neuron):
    cls = type(neuron)
    required = REQUIRED.get(cls.__name__, {})
    with pytest.raises(ValueError):
        cls(threshold=0.0, **required)
    with pytest.raises(ValueError):
        cls(threshold=torch.ones(2, 2), **required)


def test_last_spikes_are_the_integer_spikes_of_the_step(neuron):
    """What SpikeMonitor counts: the step's spikes, whose value times the
    threshold is the output (integers for count-coded neurons)."""
    x = torch.full((2, 5), 10.0)
    fired = False
    for _ in range(20):  # long enough for phased neurons to fire
        out = neuron(x)
        spikes = neuron.last_spikes
        assert spikes.shape == x.shape
        assert torch.equal(out != 0, spikes != 0)
        if neuron.spike_value_is_count:
            assert torch.equal(spikes, spikes.round())
        fired = fired or bool(spikes.any())
    assert fired
