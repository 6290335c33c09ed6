"""StridedSampler: every k-th sample, built from a config entry."""
import pytest

from spikedet.datasets import StridedSampler
from spikedet.registry import DATA_SAMPLERS


def test_every_kth_sample_in_order():
    sampler = StridedSampler(list(range(10)), stride=3)
    assert list(sampler) == [0, 3, 6, 9] and len(sampler) == 4
    assert list(StridedSampler(list(range(3)), stride=1)) == [0, 1, 2]


def test_built_in_place_of_a_default_sampler_entry():
    sampler = DATA_SAMPLERS.build(
        dict(type='StridedSampler', stride=2, shuffle=False),
        default_args=dict(dataset=list(range(5)), seed=0))
    assert list(sampler) == [0, 2, 4]


@pytest.mark.parametrize('kwargs', [dict(stride=0), dict(stride=2,
                                                         shuffle=True)])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        StridedSampler(list(range(4)), **kwargs)
