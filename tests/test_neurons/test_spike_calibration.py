"""SpiCalib's filter (algorithms_casc.md §2.3, our no-overdraft variant)."""
import pytest
import torch

from spikedet.neurons import IFNeuron, SpikeCalibration


def _filtered(counts, allowance):
    calib = SpikeCalibration(allowance)
    return torch.stack([calib(torch.tensor([float(c)])) for c in counts])[:, 0]


def test_silent_neuron_retracts_exactly_what_it_emitted():
    counts = [1, 1, 1] + [0] * 40
    out = _filtered(counts, allowance=4)
    assert out[:3].tolist() == [1, 1, 1]
    assert float(out.sum()) == 0
    assert (torch.cumsum(out, 0) >= 0).all()
    first = int((out < 0).nonzero()[0])
    # Mean interval (0 + 1 + 1) / 3... as the running mean gives 0.5; the
    # first retraction comes once t - 2 > 0.5 + 4, and one per step after.
    assert first == 7 and out[7:10].tolist() == [-1, -1, -1]


@pytest.mark.parametrize('period', [1, 3, 7])
def test_regular_firer_is_untouched_when_allowance_covers_its_period(period):
    counts = [1 if (t + 1) % period == 0 else 0 for t in range(100)]
    out = _filtered(counts, allowance=period - 1)
    assert out.tolist() == [float(c) for c in counts]


def test_never_firing_neuron_stays_at_zero_and_later_spikes_pass():
    out = _filtered([0] * 30 + [1, 1], allowance=2)
    assert (out[:30] == 0).all() and out[30:].tolist() == [1, 1]


def test_filter_on_an_if_neuron_removes_spikes_of_an_inactivated_neuron():
    # A transient positive current, then a negative one: the summed input
    # is negative (ANN activation 0), but plain IF keeps its early spikes.
    inputs = [torch.tensor([1.0])] * 3 + [torch.tensor([-0.5])] * 60
    plain, calibrated = IFNeuron(1.0), IFNeuron(1.0)
    calibrated.spike_filter = SpikeCalibration(allowance=8)
    plain_out = sum(plain(x) for x in inputs)
    calib_out = sum(calibrated(x) for x in inputs)
    assert float(plain_out) == 3 and float(calib_out) == 0
    calibrated.reset()
    assert calibrated.spike_filter.last is None


def test_negative_allowance_is_refused():
    with pytest.raises(ValueError):
        SpikeCalibration(-1)


def test_allowance_follows_the_run_length():
    calib = SpikeCalibration(fraction=0.5)
    assert calib.allowance_for(64) == 32 and calib.allowance_for(5) == 3
    assert SpikeCalibration(7).allowance_for(None) == 7
    calib(torch.ones(1))  # one step (a probe) needs no horizon
    with pytest.raises(RuntimeError, match='run length'):
        calib(torch.ones(1))  # stepped on by hand with no horizon set
    calib.reset()
    calib.horizon = 8  # as simulate() sets it: A = 4
    out = torch.stack([calib(torch.tensor([float(c)]))
                       for c in [1, 1, 1] + [0] * 10])[:, 0]
    assert out.tolist() == _filtered([1, 1, 1] + [0] * 10, 4).tolist()


def test_signed_neuron_retracts_positive_spikes_only():
    # Positive spikes, then the negative spikes of a LeakyReLU neuron:
    # those pass, and only the three positive ones are retracted.
    counts = [1, 1, 1, -1, 0, -1] + [0] * 30
    out = _filtered(counts, allowance=4)
    assert out[:6].tolist() == [1, 1, 1, -1, 0, -1]
    assert float(out[6:].sum()) == -3 and (out[6:] >= -1).all()


@pytest.mark.parametrize('fraction', [0.0, 1.5])
def test_fraction_out_of_range_is_refused(fraction):
    with pytest.raises(ValueError, match='fraction'):
        SpikeCalibration(fraction=fraction)
