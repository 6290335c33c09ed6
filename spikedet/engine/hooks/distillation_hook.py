"""Fine-tune a model while it imitates a teacher's features."""
from typing import Any, Dict, List, Optional

import torch
from mmengine.hooks import Hook
from torch import nn

from ...models.feature_imitation import feature_imitation_loss
from ...registry import HOOKS, MODELS
from ...utils.checkpoint import load_weights
from ...errors import ConfigError
from ..runner_utils import unwrap


def _submodule(model: nn.Module, path: str, role: str) -> nn.Module:
    try:
        return model.get_submodule(path)
    except AttributeError:
        raise ConfigError(f'DistillationHook: the {role} has no module '
                          f'{path!r} to imitate at') from None


class _Capture:
    """Keeps the latest output of the module it hooks."""

    def __init__(self, module: nn.Module) -> None:
        self.output: Optional[Any] = None
        self.handle = module.register_forward_hook(self._store)

    def _store(self, module: nn.Module, args: Any, output: Any) -> None:
        self.output = output

    def take(self) -> Any:
        output, self.output = self.output, None
        return output


@HOOKS.register_module()
class DistillationHook(Hook):
    """Add a feature-imitation term to the training loss (knowledge
    distillation from a teacher of the same architecture).

    In ``before_train`` the teacher is built from its config, loaded with the
    safe loader and frozen in eval mode; it is not a submodule of the model,
    so it is neither trained nor exported, and the model's config stays the
    one that tests and converts it. At every training step the teacher
    computes ``extract_feat`` on the same (preprocessed) inputs and the loss
    dict gains ``loss_distill = weight *``
    :func:`~spikedet.models.feature_imitation.feature_imitation_loss` between
    the outputs of module ``feature`` in both networks.

    Used for the 4-level CASC YOLOv3: its quantization-aware ANN imitates the
    plain ANN's neck outputs.

    Args:
        teacher: The teacher's model config (an mmdet or mmpretrain model).
        checkpoint: Its plain weights file.
        feature: Path of the module whose output is imitated; it must run
            inside ``extract_feat`` (``'neck'`` for a detector with one).
            Defaults to ``'neck'``.
        weight: Factor of the loss term. Defaults to 1.0.
    """
    priority = 'NORMAL'

    def __init__(self, teacher: Dict, checkpoint: str,
                 feature: str = 'neck', weight: float = 1.0) -> None:
        if weight <= 0:
            raise ConfigError(f'DistillationHook: weight must be > 0, '
                              f'got {weight}')
        self.teacher_cfg = teacher
        self.checkpoint = checkpoint
        self.feature = feature
        self.weight = float(weight)
        self.teacher: Optional[nn.Module] = None
        self._handles: List[Any] = []

    def before_train(self, runner) -> None:
        model = unwrap(runner.model)
        teacher = MODELS.build(self.teacher_cfg)
        load_weights(teacher, self.checkpoint)
        teacher.requires_grad_(False).eval()
        device = next(model.parameters()).device
        self.teacher = teacher.to(device)
        student_out = _Capture(_submodule(model, self.feature, 'model'))
        teacher_out = _Capture(_submodule(teacher, self.feature, 'teacher'))

        def add_loss(module: nn.Module, args: Any, kwargs: Dict,
                     losses: Any) -> Any:
            if kwargs.get('mode') != 'loss' or not module.training:
                return losses
            with torch.no_grad():
                teacher.extract_feat(kwargs['inputs'])
            target = teacher_out.take()
            if target is None:
                raise ConfigError(
                    f'DistillationHook: the teacher\'s {self.feature!r} did '
                    'not run in extract_feat')
            losses['loss_distill'] = self.weight * feature_imitation_loss(
                student_out.take(), target)
            return losses

        self._handles = [student_out.handle, teacher_out.handle,
                         model.register_forward_hook(add_loss,
                                                     with_kwargs=True)]
        runner.logger.info(f'distilling {self.feature!r} from '
                           f'{self.checkpoint} (weight {self.weight:g})')

    def after_train(self, runner) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles, self.teacher = [], None
