"""Convert the runner's ANN into its spiking wrapper right before testing."""
from typing import Dict

import torch
from mmengine.dist import broadcast, get_world_size
from mmengine.hooks import Hook
from torch import nn

from ...registry import HOOKS, MODELS
from ...neurons import ReadoutDelay
from ..calibration import calibration_batches
from ..runner_utils import unwrap


def share_main_process_state(model: nn.Module) -> None:
    """Overwrite every process's parameters and buffers with the main
    process's (no-op in one process)."""
    if get_world_size() == 1:
        return
    with torch.no_grad():
        for tensor in model.state_dict().values():
            broadcast(tensor, src=0)


@HOOKS.register_module()
class ConversionHook(Hook):
    """Replace ``runner.model`` by its spiking counterpart in ``before_test``.

    ``Runner.test`` loads the checkpoint before ``before_test``, so the hook
    sees the trained ANN; the test evaluator must already be a per-T metric
    (``tools/test.py --snn`` wraps it).

    With several processes, each calibrates on its own share of the
    training batches, then every one takes the main process's thresholds
    and codes (its state dict, broadcast), so all simulate the same SNN.

    Args:
        snn_model: Config of the spiking wrapper (``SpikingDetector`` or
            ``SpikingClassifier``) whose ``ann`` is the runner's model config.
        calib_batches: Training batches for threshold calibration.
            Defaults to 10.
    """
    priority = 'VERY_HIGH'

    def __init__(self, snn_model: Dict, calib_batches: int = 10) -> None:
        self.snn_model = snn_model
        self.calib_batches = calib_batches

    def before_test(self, runner) -> None:
        ann = unwrap(runner.model)
        snn = MODELS.build(self.snn_model)
        snn.to(next(ann.parameters()).device)  # the runner's device
        snn.ann.load_state_dict(ann.state_dict())
        snn.dataset_meta = getattr(ann, 'dataset_meta', None)
        snn.eval()
        snn.calibrate(calibration_batches(runner.cfg, snn, self.calib_batches))
        share_main_process_state(snn)
        runner.model = snn
        runner.logger.info(f'converted the ANN with {snn.method!r} before '
                           'testing')
        delays = {name: m.readout_delay() for name, m in snn.named_modules()
                  if isinstance(m, ReadoutDelay)}
        if delays:
            runner.logger.info('delayed evaluation: ' + ', '.join(
                f'{name.rpartition(".")[0] or "net"} skips its first {t0} '
                'steps' for name, t0 in delays.items()))
