"""tools/test.py under torchrun: 2 CPU processes (gloo) give the one-process
per-T mAP and spike statistics, for YOLOv3 and Faster R-CNN."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DETECTORS = {
    'yolov3': ('configs/yolov3/yolov3_mbv2_shapes.py',
               'data/checkpoints/yolov3_mbv2_shapes.pth'),
    'faster_rcnn': ('configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py',
                    'data/checkpoints/faster-rcnn_r18_fpn_shapes.pth'),
}


def _test(work: Path, root: Path, config: str, ckpt: str, procs: int):
    data = f'{root}/'
    options = [f'{split}_dataloader.{key}' for split in ('train', 'test')
               for key in (f'dataset.data_root={data}', 'num_workers=0',
                           'persistent_workers=False')]
    # One image per batch in both runs: each image is computed alike.
    options += ['test_dataloader.batch_size=1',
                f'test_evaluator.ann_file={data}annotations/instances_val.json']
    args = [config, ckpt, '--snn', 'if_channel', '--stats',
            '--calib-batches', '2', '--timesteps', '1', '4',
            '--work-dir', str(work), '--cfg-options', *options]
    if procs > 1:
        cmd = [sys.executable, '-m', 'torch.distributed.run',
               f'--nproc_per_node={procs}', '--master_port=29517',
               'tools/test.py', *args, '--launcher', 'pytorch']
    else:
        cmd = [sys.executable, 'tools/test.py', *args]
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run(cmd, cwd=REPO, text=True, capture_output=True,
                          timeout=900, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    # The runner really ran as `procs` processes (its environment log).
    assert f'GPU number: {procs}' in proc.stdout + proc.stderr
    curve = json.loads((work / 'curve.json').read_text())
    stats = json.loads((work / 'stats.json').read_text())
    return curve, stats


@pytest.mark.parametrize('name', sorted(DETECTORS))
def test_two_processes_give_the_one_process_curve_and_statistics(
        tmp_path, tiny_shapes, name):
    config, ckpt = DETECTORS[name]
    one = _test(tmp_path / 'one', tiny_shapes, config, ckpt, 1)
    two = _test(tmp_path / 'two', tiny_shapes, config, ckpt, 2)
    assert one[0]['ann'] == two[0]['ann']
    assert one[0]['timesteps'] == two[0]['timesteps']
    stats_one, stats_two = one[1], two[1]
    assert stats_one['images'] == stats_two['images'] == 6
    for t, row in stats_one['timesteps'].items():
        other = stats_two['timesteps'][t]
        for key in ('events', 'spikes', 'sops', 'analog_macs', 'ann_macs',
                    'energy_ratio', 'firing_rate', 'sin_fraction'):
            assert other[key] == pytest.approx(row[key], rel=1e-9), key
