"""Feature imitation: a student's feature maps pulled towards a teacher's."""
from typing import Sequence, Union

import torch
from torch import Tensor

Features = Union[Tensor, Sequence[Tensor]]


def _standardized(x: Tensor, eps: float) -> Tensor:
    # Each (sample, channel) map to zero mean and unit variance over space.
    flat = x.flatten(2)
    mean = flat.mean(dim=2, keepdim=True)
    std = flat.std(dim=2, keepdim=True, unbiased=False)
    return (flat - mean) / (std + eps)


def feature_imitation_loss(student: Features, teacher: Features,
                           eps: float = 1e-6) -> Tensor:
    """Mean squared distance between standardized feature maps, summed over
    levels.

    Each ``[N, C, ...]`` map is standardized per sample and channel over its
    spatial positions before the comparison (as in PKD, Cao et al. 2022:
    1 - Pearson correlation, up to a factor 2), so the loss does not depend
    on the scale of either network's features: a quantization-aware student
    whose clip tops differ from its teacher's ranges still imitates the
    pattern of every channel.

    Args:
        student: The student's map, or one map per level (an FPN's outputs).
        teacher: The teacher's, with the same shapes; no gradient flows
            into it.
        eps: Added to the standard deviation (constant maps).

    Returns:
        A scalar: the per-level means of the squared differences, summed.

    Raises:
        ValueError: The number of levels or a shape differs.
    """
    if isinstance(student, Tensor):
        student, teacher = [student], [teacher]
    student, teacher = list(student), list(teacher)
    if len(student) != len(teacher):
        raise ValueError(f'{len(student)} student feature maps against '
                         f'{len(teacher)} of the teacher')
    total = student[0].new_zeros(())
    for level, (s, t) in enumerate(zip(student, teacher)):
        if s.shape != t.shape:
            raise ValueError(f'feature level {level}: student shape '
                             f'{tuple(s.shape)}, teacher {tuple(t.shape)}')
        diff = _standardized(s, eps) - _standardized(t.detach(), eps)
        total = total + diff.pow(2).mean()
    return total
