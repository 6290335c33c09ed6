"""Record spike statistics during testing and write them to JSON."""
from mmengine.hooks import Hook

from ...registry import HOOKS
from ...simulation import TimestepStatistics
from ...utils.atomic_io import atomic_write_json
from ...utils.errors import UserInputError
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
        model = unwrap(runner.model)
        report = model.stats.report()
        atomic_write_json(self.out_file, report, 2)
        model.stats = None
        runner.logger.info(f'spike statistics written to {self.out_file}')
