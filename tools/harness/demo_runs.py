"""The conversions ``tools/demo.py`` shows, run with the user's own tools."""
import json
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Sequence

from spikedet.errors import UserInputError
from .model_zoo import ZooModel
from .tool_process import run_tool, user_error


@dataclass(frozen=True)
class DemoRun:
    """One conversion shown by the demo.

    Attributes:
        label: Its title above the table.
        method: The conversion preset.
        suffix: Config / checkpoint suffix of the ANN it converts
            (``'_casc-l8'`` for CASC's quantization-aware one).
        timesteps: Read-out T.
        vis_timesteps: T of the drawn panels and of the per-layer chart;
            ``()`` draws neither.
        two_stage_timesteps: Read-out T for Faster R-CNN, whose box head
            (1000 RoIs) runs T steps at every read-out; ``()``: the same
            as ``timesteps``.
    """
    label: str
    method: str
    suffix: str
    timesteps: Sequence[int]
    vis_timesteps: Sequence[int]
    two_stage_timesteps: Sequence[int] = ()

    def read_outs(self, det: ZooModel) -> Sequence[int]:
        """The read-out T for detector ``det``."""
        two_stage = det.key == 'faster_rcnn' and self.two_stage_timesteps
        return self.two_stage_timesteps if two_stage else self.timesteps


#: The IF baseline on the plain ANN, then CASC on its quantized ANN.
DEMO_RUNS = (
    DemoRun('IF, channel-wise 99.9 %', 'if_channel', '',
            (1, 2, 4, 8, 16, 32, 64), (), (4, 16)),
    DemoRun('CASC L=8, CIF + wake-sleep', 'cif_wsc', '_casc-l8',
            (4, 8), (8,)),
)


def run_logged(args: Sequence[str], log: str) -> None:
    """Run ``python <args>`` with its output in ``log``.

    Raises:
        UserInputError: The tool failed; names its reason and the log.
    """
    code, _ = run_tool(args, log)
    if code != 0:
        reason = user_error(log) or f'exit {code}'
        raise UserInputError(f'{args[0]} failed ({reason}); full log: {log}')


def run_demo_conversion(det: ZooModel, run: DemoRun, images: int,
                        vis_images: List[str], root: str) -> Dict:
    """Convert ``det`` with ``run``'s method and evaluate it on the first
    ``images`` val images (``tools/convert.py``, ``tools/test.py
    --stats``), then chart its layers and draw ``vis_images``
    (``tools/analyze_stats.py``, ``tools/visualize.py``).

    Everything goes to ``root/<stem>_<method>/``, the tools' logs to
    ``root/logs/``.

    Returns:
        The run's ``curve.json``.
    """
    config, ckpt = det.files(run.suffix)
    if not osp.isfile(ckpt):
        raise UserInputError(f'committed checkpoint missing: {ckpt}')
    out = osp.join(root, f'{det.stem}_{run.method}')
    log = osp.join(root, 'logs', f'{det.stem}_{run.method}')
    snn_cfg, snn_ckpt = osp.join(out, 'config.py'), osp.join(out, 'snn.pth')
    run_logged(['tools/convert.py', config, ckpt, '--method', run.method,
                '--out', out, '--calib-batches', '5'], f'{log}_convert.log')
    run_logged(['tools/test.py', snn_cfg, snn_ckpt, '--work-dir', out,
                '--stats', '--timesteps', *map(str, run.read_outs(det)),
                '--cfg-options', f'test_dataloader.dataset.indices={images}'],
               f'{log}_test.log')
    if run.vis_timesteps:
        run_logged(['tools/analyze_stats.py', osp.join(out, 'stats.json'),
                    '--timestep', str(run.vis_timesteps[-1])],
                   f'{log}_analyze.log')
        run_logged(['tools/visualize.py', snn_cfg, snn_ckpt, *vis_images,
                    '--timesteps', *map(str, run.vis_timesteps),
                    '--out-dir', osp.join(out, 'vis')],
                   f'{log}_visualize.log')
    with open(osp.join(out, 'curve.json')) as f:
        return json.load(f)
