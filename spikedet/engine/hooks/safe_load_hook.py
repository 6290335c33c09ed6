"""Load initial weights for training through spikedet's safe loader."""
from mmengine.hooks import Hook

from ...registry import HOOKS
from ...utils.checkpoint import load_weights
from ..runner_utils import unwrap


@HOOKS.register_module()
class SafeLoadHook(Hook):
    """Load a plain weights file into the model before training starts.

    Stands in for ``load_from``: mmengine loads that with its own (pickle)
    loader, and in ``Runner.train`` the weight initialisation runs after
    ``before_run``, so loading happens in ``before_train``, which follows it.

    Args:
        checkpoint: Plain weights file (see :mod:`spikedet.utils.checkpoint`).
    """
    priority = 'VERY_HIGH'

    def __init__(self, checkpoint: str) -> None:
        self.checkpoint = checkpoint

    def before_train(self, runner) -> None:
        load_weights(unwrap(runner.model), self.checkpoint)
        runner.logger.info(f'loaded initial weights from {self.checkpoint}')
