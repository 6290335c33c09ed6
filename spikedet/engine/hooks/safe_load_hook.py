"""Load initial weights for training through spikedet's safe loader."""
from typing import Sequence

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
        allow_missing: Key suffixes the file may lack (see
            :func:`spikedet.utils.checkpoint.load_weights`). Defaults to none.
        skip: Key suffixes of the file not to use (same function).
            Defaults to none.
    """
    priority = 'VERY_HIGH'

    def __init__(self, checkpoint: str,
                 allow_missing: Sequence[str] = (),
                 skip: Sequence[str] = ()) -> None:
        self.checkpoint = checkpoint
        self.allow_missing = tuple(allow_missing)
        self.skip = tuple(skip)

    def before_train(self, runner) -> None:
        load_weights(unwrap(runner.model), self.checkpoint,
                     self.allow_missing, self.skip)
        runner.logger.info(f'loaded initial weights from {self.checkpoint}')
