"""A progress bar over the test set."""
import sys
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.utils import ProgressBar

from ...registry import HOOKS


@HOOKS.register_module()
class TestProgressHook(Hook):
    """Shows mmengine's :class:`ProgressBar` over the test batches (the
    main process's shard), with the elapsed time and an estimate of the
    rest: a spiking evaluation simulates T steps per batch and can take a
    while. Other processes show nothing.
    """
    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self.bar: Optional[ProgressBar] = None

    def before_test(self, runner) -> None:
        if is_main_process():
            self.bar = ProgressBar(len(runner.test_dataloader),
                                   file=sys.stdout)

    def after_test_iter(self, runner, batch_idx: int, data_batch=None,
                        outputs=None) -> None:
        if self.bar is not None:
            self.bar.update()

    def after_test(self, runner) -> None:
        if self.bar is not None:
            self.bar.file.write('\n')
            self.bar.file.flush()
            self.bar = None
