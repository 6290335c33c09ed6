import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from spikedet.datasets.shapes_generator import (ShapesSpec,
                                                generate_shapes_dataset,
                                                is_generated)
from spikedet.datasets.shapes_renderer import (SHAPE_CLASSES,
                                               render_detection_image)


def _digest(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob('*')) if p.is_file()}


def test_generation_is_deterministic(tmp_path, tiny_shapes, tiny_spec):
    again = tmp_path / 'again'
    generate_shapes_dataset(again, tiny_spec)
    assert _digest(again) == _digest(tiny_shapes)


def test_other_seed_gives_other_images(tmp_path, tiny_shapes, tiny_spec):
    other = tmp_path / 'other'
    spec = ShapesSpec(**{**tiny_spec.__dict__, 'seed': tiny_spec.seed + 1})
    generate_shapes_dataset(other, spec)
    a, b = _digest(other), _digest(tiny_shapes)
    assert a.keys() == b.keys()
    jpgs = [k for k in a if k.endswith('.jpg')]
    assert all(a[k] != b[k] for k in jpgs)


def test_layout_and_counts(tiny_shapes, tiny_spec):
    voc = tiny_shapes / 'VOC2007'
    trainval = (voc / 'ImageSets/Main/trainval.txt').read_text().split()
    test = (voc / 'ImageSets/Main/test.txt').read_text().split()
    assert len(trainval) == tiny_spec.num_train
    assert len(test) == tiny_spec.num_val
    assert not set(trainval) & set(test)
    for stem in trainval + test:
        assert (voc / 'JPEGImages' / f'{stem}.jpg').is_file()
        assert (voc / 'Annotations' / f'{stem}.xml').is_file()
    coco = json.loads((tiny_shapes / 'annotations/instances_val.json')
                      .read_text())
    assert [c['name'] for c in coco['categories']] == list(SHAPE_CLASSES)
    assert len(coco['images']) == tiny_spec.num_val
    assert is_generated(tiny_shapes, tiny_spec)


def test_classification_split_is_balanced(tiny_shapes, tiny_spec):
    lines = (tiny_shapes / 'cls/train.txt').read_text().split('\n')
    labels = [int(line.split()[1]) for line in lines if line]
    counts = np.bincount(labels, minlength=len(SHAPE_CLASSES))
    assert (counts == tiny_spec.cls_train_per_class).all()
    first = lines[0].split()[0]
    assert (tiny_shapes / 'cls/train' / first).is_file()


def test_objects_cover_coco_size_ranges_and_counts():
    rng = np.random.default_rng(0)
    areas, counts = [], []
    for _ in range(60):
        image, objects = render_detection_image(rng, 256, 256,
                                                int(rng.integers(1, 9)))
        assert image.shape == (256, 256, 3) and image.dtype == np.uint8
        counts.append(len(objects))
        for obj in objects:
            x1, y1, x2, y2 = obj.box
            assert 0 <= x1 < x2 <= 256 and 0 <= y1 < y2 <= 256
            assert 0 < obj.area <= (x2 - x1) * (y2 - y1)
            areas.append(obj.area)
    areas = np.array(areas)
    assert (areas < 32**2).any()
    assert ((areas >= 32**2) & (areas < 96**2)).any()
    assert (areas >= 96**2).any()
    assert 1 <= min(counts) and max(counts) <= 8


def test_refuses_to_overwrite_foreign_folder(tmp_path):
    foreign = tmp_path / 'mine'
    foreign.mkdir()
    (foreign / 'important.txt').write_text('keep me')
    with pytest.raises(FileExistsError):
        generate_shapes_dataset(foreign, ShapesSpec(num_train=1, num_val=1))
    assert (foreign / 'important.txt').read_text() == 'keep me'
