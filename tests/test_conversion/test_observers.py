import pytest
import torch

from spikedet.conversion import ActivationObserver


def test_percentile_bounds_fraction_above():
    g = torch.Generator().manual_seed(0)
    obs = ActivationObserver(percentile=99.0, nonzero_only=False)
    data = torch.relu(torch.randn(8, 4, 16, 16, generator=g))
    obs.update(data)
    lam = obs.threshold()
    assert (data > lam).float().mean() <= 0.01 + 1 / data.numel()


def test_nonzero_only_ignores_zeros():
    data = torch.cat([torch.zeros(9000), torch.linspace(0.01, 1, 1000)])
    with_zeros = ActivationObserver(percentile=95, nonzero_only=False)
    without = ActivationObserver(percentile=95)
    with_zeros.update(data)
    without.update(data)
    assert abs(float(with_zeros.threshold()) - 0.5) < 0.02
    assert abs(float(without.threshold()) - 0.95) < 0.02


def test_channel_wise_and_dead_channels():
    data = torch.zeros(2, 3, 4, 4)
    data[:, 0] = 2.0
    data[:, 1] = 0.5
    obs = ActivationObserver(mode='max', channel_wise=True)
    obs.update(data)
    assert obs.threshold().tolist() == [2.0, 0.5, 2.0]


def test_sample_stays_bounded():
    obs = ActivationObserver(max_samples=1000)
    for _ in range(5):
        obs.update(torch.rand(10, 1000) + 0.1)
    assert obs.samples.shape[1] == 1000
    assert 0.9 < float(obs.threshold()) <= 1.1


@pytest.mark.parametrize('channel_wise', [False, True])
def test_every_batch_is_sampled_in_proportion(channel_wise):
    # Eight equal batches, batch i all of value i + 1: a uniform sample of
    # everything seen holds about 1/8 of each. Re-subsampling the union
    # after every batch would keep 1/2 of the last batch, 1/4 of the one
    # before, ... and almost nothing of the first.
    obs = ActivationObserver(channel_wise=channel_wise, max_samples=2048)
    for i in range(8):
        obs.update(torch.full((4, 2, 32, 32), float(i + 1)))
    sample = obs.samples[0]
    assert sample.numel() == 2048
    shares = torch.stack([(sample == i + 1).float().mean()
                          for i in range(8)])
    assert (shares - 1 / 8).abs().max() < 0.03, shares
