"""DistillationHook: a frozen teacher adds loss_distill to training steps
only, and is neither trained nor exported."""
import logging
from types import SimpleNamespace

import pytest
import torch
from mmengine.model import BaseModel
from torch import nn

from spikedet.engine import DistillationHook
from spikedet.models.feature_imitation import feature_imitation_loss
from spikedet.registry import MODELS
from spikedet.utils.checkpoint import save_weights
from spikedet.errors import ConfigError


@MODELS.register_module(force=True)
class DistillToy(BaseModel):
    """backbone -> neck, with a loss on the neck's output."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = nn.Conv2d(3, 4, 3, padding=1)
        self.neck = nn.Conv2d(4, 4, 1)

    def extract_feat(self, x):
        return self.neck(torch.relu(self.backbone(x)))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        feat = self.extract_feat(inputs)
        return {'loss_task': feat.mean()} if mode == 'loss' else feat


def _hooked(tmp_path, weight=3.0, feature='neck'):
    torch.manual_seed(0)
    teacher = DistillToy()
    path = tmp_path / 'teacher.pth'
    save_weights(path, teacher.state_dict())
    student = DistillToy()
    hook = DistillationHook(dict(type='DistillToy'), str(path), feature,
                            weight)
    runner = SimpleNamespace(model=student, logger=logging.getLogger('t'))
    hook.before_train(runner)
    return hook, runner, student, teacher


def test_training_steps_gain_the_weighted_imitation_loss(tmp_path):
    hook, _, student, teacher = _hooked(tmp_path)
    x = torch.randn(2, 3, 8, 8)
    losses = student(inputs=x, mode='loss')
    expected = 3.0 * feature_imitation_loss(student.extract_feat(x),
                                            teacher.extract_feat(x))
    assert set(losses) == {'loss_task', 'loss_distill'}
    assert torch.allclose(losses['loss_distill'], expected)
    sum(losses.values()).backward()
    assert all(p.grad is not None for p in student.parameters())
    assert all(p.grad is None for p in hook.teacher.parameters())
    # The teacher is no part of the model: not exported, not optimised.
    assert set(student.state_dict()) == set(teacher.state_dict())


def test_prediction_eval_and_after_training_are_untouched(tmp_path):
    hook, runner, student, _ = _hooked(tmp_path)
    x = torch.randn(1, 3, 8, 8)
    assert isinstance(student(inputs=x, mode='tensor'), torch.Tensor)
    student.eval()
    assert 'loss_distill' not in student(inputs=x, mode='loss')
    student.train()
    hook.after_train(runner)
    assert 'loss_distill' not in student(inputs=x, mode='loss')


def test_bad_settings_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="no module 'head'"):
        _hooked(tmp_path, feature='head')
    with pytest.raises(ConfigError, match='weight must be > 0'):
        DistillationHook(dict(type='DistillToy'), 'x.pth', weight=0)
