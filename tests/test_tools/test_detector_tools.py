"""convert / test --dump / visualize on the committed YOLOv3, tiny data."""
import json
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

REPO = Path(__file__).resolve().parents[2]
CFG = 'configs/yolov3/yolov3_mbv2_shapes.py'
CKPT = 'data/checkpoints/yolov3_mbv2_shapes.pth'


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, text=True,
                          capture_output=True, timeout=900)


@pytest.fixture(scope='module')
def yolo_snn(tmp_path_factory, tiny_shapes) -> Path:
    out = tmp_path_factory.mktemp('yolo') / 'snn'
    root = f'{tiny_shapes}/'
    proc = _run('tools/convert.py', CFG, CKPT, '--method', 'if_channel',
                '--out', str(out), '--calib-batches', '1', '--timesteps', '4',
                '256', '--cfg-options', f'train_dataloader.dataset.data_root={root}',
                f'test_dataloader.dataset.data_root={root}',
                f'test_evaluator.ann_file={root}annotations/instances_val.json',
                'train_dataloader.num_workers=0',
                'train_dataloader.persistent_workers=False',
                'test_dataloader.num_workers=0',
                'test_dataloader.persistent_workers=False')
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'SignedIFNeuron' in proc.stdout
    return out


def test_dump_files_rescore_to_the_printed_map(yolo_snn, tiny_shapes,
                                               tmp_path):
    dump, work = tmp_path / 'dets', tmp_path / 'work'
    proc = _run('tools/test.py', str(yolo_snn / 'config.py'),
                str(yolo_snn / 'snn.pth'), '--dump', str(dump),
                '--work-dir', str(work))
    assert proc.returncode == 0, proc.stderr[-3000:]
    metrics = json.loads((work / 'metrics.json').read_text())
    gt = COCO(str(tiny_shapes / 'annotations' / 'instances_val.json'))
    for t in (4, 256):
        results = json.loads((dump / f'T{t}.bbox.json').read_text())
        if not results:  # no detections: AP 0 (mmdet's metric returns none)
            assert metrics[f'coco/T{t}/bbox_mAP'] == 0.0
            continue
        evaluator = COCOeval(gt, gt.loadRes(results), 'bbox')
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
        assert round(evaluator.stats[0], 3) == metrics[f'coco/T{t}/bbox_mAP']
        assert round(evaluator.stats[1], 3) == \
            metrics[f'coco/T{t}/bbox_mAP_50']
    assert metrics['coco/ann/bbox_mAP_50'] > 0.3  # the trained ANN detects


def test_visualize_writes_one_panel_per_t(yolo_snn, tiny_shapes, tmp_path):
    images = sorted((tiny_shapes / 'VOC2007' / 'JPEGImages').glob('*.jpg'))
    proc = _run('tools/visualize.py', str(yolo_snn / 'config.py'),
                str(yolo_snn / 'snn.pth'), str(images[0]), '--timesteps',
                '2', '8', '--out-dir', str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    panel = cv2.imread(str(tmp_path / f'{images[0].stem}.png'))
    width = cv2.imread(str(images[0])).shape[1]
    assert panel.shape[1] == 3 * width + 2 * 6


def test_visualize_broken_image(yolo_snn, tmp_path):
    broken = tmp_path / 'broken.jpg'
    broken.write_bytes(b'\xff\xd8 not really a jpeg')
    proc = _run('tools/visualize.py', str(yolo_snn / 'config.py'),
                str(yolo_snn / 'snn.pth'), str(broken))
    assert proc.returncode == 2
    assert 'cannot read image' in proc.stderr.strip().splitlines()[-1]
