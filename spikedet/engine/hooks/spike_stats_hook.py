"""Record spike statistics during testing and write them to JSON."""
from mmengine.dist import all_gather_object, get_world_size, is_main_process
from mmengine.hooks import Hook

from ...registry import HOOKS
from ...simulation import TimestepStatistics
from ...utils.atomic_io import atomic_write_json
from ...errors import UserInputError
from ..runner_utils import unwrap


@HOOKS.register_module()
class SpikeStatsHook(Hook):
    """Switch on per-T spike statistics of a spiking wrapper for the test
    run and write :meth:`TimestepStatistics.report` to ``out_file``.

    Runs after :class:`ConversionHook` (lower priority), so ``--snn`` runs
    are covered too.

    Args:
        out_file: The JSON file (written atomically).
    """
    priority = 'NORMAL'

    def __init__(self, out_file: str) -> None:
        self.out_file = out_file

    def before_test(self, runner) -> None:
        model = unwrap(runner.model)
        if not hasattr(model, 'stats'):
            raise UserInputError('--stats needs a spiking model (a config '
                                 'written by tools/convert.py, or --snn)')
        model.stats = TimestepStatistics()

    def after_test(self, runner) -> None:
        """Sum every process's counts (each counted its own shard of the
        test set) and write the report on the main process."""
        model = unwrap(runner.model)
        parts = all_gather_object(model.stats.state()) \
            if get_world_size() > 1 else [model.stats.state()]
        model.stats = None
        if not is_main_process():
            return
        total = TimestepStatistics()
        for part in parts:
            total.merge(TimestepStatistics.from_state(part))
        atomic_write_json(self.out_file, total.report(), 2)
        runner.logger.info(f'spike statistics written to {self.out_file}')
