"""feature_imitation_loss: scale-free, zero only for the same pattern."""
import pytest
import torch

from spikedet.models.feature_imitation import feature_imitation_loss


def test_an_affine_copy_per_channel_costs_nothing():
    teacher = torch.randn(2, 3, 5, 7)
    scale = torch.tensor([0.5, 2.0, 7.0]).view(1, 3, 1, 1)
    shift = torch.tensor([1.0, -3.0, 0.0]).view(1, 3, 1, 1)
    loss = feature_imitation_loss(teacher * scale + shift, teacher)
    assert float(loss) == pytest.approx(0.0, abs=1e-8)


def test_an_inverted_pattern_costs_four_per_level():
    # Standardized maps z and -z differ by 2z; the mean of (2z)^2 is 4.
    levels = [torch.randn(2, 3, 4, 4), torch.randn(2, 5, 2, 8)]
    loss = feature_imitation_loss([-t for t in levels], levels)
    assert float(loss) == pytest.approx(8.0, rel=1e-4)


def test_the_gradient_reaches_the_student_only():
    student = torch.randn(1, 2, 4, 4, requires_grad=True)
    teacher = torch.randn(1, 2, 4, 4, requires_grad=True)
    feature_imitation_loss(student, teacher).backward()
    assert student.grad is not None and student.grad.abs().sum() > 0
    assert teacher.grad is None


def test_mismatched_levels_are_refused():
    with pytest.raises(ValueError, match='2 student feature maps'):
        feature_imitation_loss([torch.ones(1, 1, 2, 2)] * 2,
                               [torch.ones(1, 1, 2, 2)])
    with pytest.raises(ValueError, match='level 0'):
        feature_imitation_loss(torch.ones(1, 2, 2, 2), torch.ones(1, 1, 2, 2))
