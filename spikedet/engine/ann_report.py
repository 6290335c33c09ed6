"""The ANN side of a report: a checkpoint scored on its config's val split."""
import os
import os.path as osp
from contextlib import redirect_stderr, redirect_stdout
from typing import Dict, Optional, Sequence

from ..utils.atomic_io import atomic_write_json
from ..utils.config import load_config
from .runner_utils import evaluate_checkpoint


def evaluate_ann(config: str, checkpoint: str, work_root: str,
                 log: Optional[str] = None) -> Dict:
    """Test ``checkpoint`` with ``config`` quietly; the metrics are also
    written to ``<work_root>/ann/<config stem>/metrics.json``. With ``log``,
    what the evaluation prints (pycocotools' summaries, progress) goes to
    that file instead of the terminal."""
    cfg = load_config(config)
    stem = osp.splitext(osp.basename(config))[0]
    cfg.work_dir = osp.join(work_root, 'ann', stem)
    cfg.log_level = 'WARNING'
    cfg.visualizer.pop('name', None)
    if log is None:
        metrics = evaluate_checkpoint(cfg, checkpoint)
    else:
        os.makedirs(osp.dirname(osp.abspath(log)), exist_ok=True)
        with open(log, 'a') as f, redirect_stdout(f), redirect_stderr(f):
            metrics = evaluate_checkpoint(cfg, checkpoint)
    atomic_write_json(osp.join(cfg.work_dir, 'metrics.json'), metrics, 2)
    return metrics


def ann_table(rows: Sequence[Dict]) -> str:
    """Rows of ``name``, ``bbox_mAP``, ``bbox_mAP_50``, ``voc_mAP``."""
    head = f'{"detector":<22} {"bbox mAP":>9} {"mAP@0.5":>8} {"VOC mAP":>8}'
    lines = [head, '-' * len(head)]
    for row in rows:
        lines.append(f'{row["name"]:<22} {row["bbox_mAP"]:>9.3f} '
                     f'{row["bbox_mAP_50"]:>8.3f} {row["voc_mAP"]:>8.3f}')
    return '\n'.join(lines)
