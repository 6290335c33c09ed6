"""Generate the embedded shapes data set: COCO json, VOC tree, classification crops.

Layout written under ``root`` (default ``data/shapes``)::

    VOC2007/JPEGImages/000000.jpg ...        the images (shared by both formats)
    VOC2007/Annotations/000000.xml ...
    VOC2007/ImageSets/Main/trainval.txt      ids of the train split
    VOC2007/ImageSets/Main/test.txt          ids of the val split
    annotations/instances_train.json         COCO, file_name relative to JPEGImages
    annotations/instances_val.json
    cls/{train,val}/<class>/00000.png        one object per crop, class-balanced
    cls/{train,val}.txt                      "<class>/<file> <label>" lines
    meta.json                                the spec that produced the tree

Every image draws from its own generator seeded by ``(seed, split, index)``, so
the output is a pure function of the spec. The tree is built in a temporary
sibling folder and renamed into place at the end: an interrupted run leaves no
half-written data set behind.
"""
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import cv2
import numpy as np

from .coco_writer import (coco_annotation_entries, coco_document,
                          coco_image_entry)
from .shapes_renderer import (SHAPE_CLASSES, render_classification_crop,
                              render_detection_image, sample_image_size)
from .voc_writer import voc_annotation_xml

GENERATOR_VERSION = 1
_SPLIT_CODES = {'train': 0, 'val': 1, 'cls_train': 2, 'cls_val': 3}


@dataclass
class ShapesSpec:
    """What to generate.

    Attributes:
        seed: Master seed.
        num_train: Detection images in the train split (VOC ``trainval``).
        num_val: Detection images in the val split (VOC ``test``).
        image_sides: Inclusive range of image height and width.
        max_objects: Objects per image are drawn from ``1..max_objects``.
        cls_train_per_class: Classification crops per class, train split.
        cls_val_per_class: Classification crops per class, val split.
        crop_size: Side of a classification crop.
        classes: Class names.
    """
    seed: int = 0
    num_train: int = 800
    num_val: int = 200
    image_sides: Tuple[int, int] = (160, 320)
    max_objects: int = 8
    cls_train_per_class: int = 500
    cls_val_per_class: int = 100
    crop_size: int = 32
    classes: Tuple[str, ...] = field(default=SHAPE_CLASSES)

    def to_json(self) -> Dict:
        """The spec plus the generator version, as stored in ``meta.json``."""
        meta = asdict(self)
        meta['image_sides'] = list(self.image_sides)
        meta['classes'] = list(self.classes)
        meta['generator_version'] = GENERATOR_VERSION
        return meta


def _rng(spec: ShapesSpec, split: str, index: int) -> np.random.Generator:
    return np.random.default_rng([spec.seed, _SPLIT_CODES[split], index])


def _write_image(path: Path, image: np.ndarray, ext: str) -> None:
    params = [cv2.IMWRITE_JPEG_QUALITY, 95] if ext == '.jpg' else []
    ok, buf = cv2.imencode(ext, image, params)
    if not ok:
        raise RuntimeError(f'OpenCV could not encode {path}')
    path.write_bytes(buf.tobytes())


def _write_detection_split(tmp: Path, spec: ShapesSpec, split: str,
                           first_index: int, count: int) -> List[str]:
    """Render one detection split; write images, VOC xml and COCO json."""
    voc = tmp / 'VOC2007'
    images, annotations, ids = [], [], []
    for k in range(count):
        index = first_index + k
        rng = _rng(spec, split, k)
        height, width = sample_image_size(rng, spec.image_sides)
        num = int(rng.integers(1, spec.max_objects + 1))
        image, objects = render_detection_image(rng, height, width, num,
                                                len(spec.classes))
        stem = f'{index:06d}'
        file_name = f'{stem}.jpg'
        _write_image(voc / 'JPEGImages' / file_name, image, '.jpg')
        (voc / 'Annotations' / f'{stem}.xml').write_text(
            voc_annotation_xml(file_name, height, width, objects,
                               spec.classes))
        images.append(coco_image_entry(index + 1, file_name, height, width))
        annotations += coco_annotation_entries(index + 1, objects,
                                               len(annotations) + 1)
        ids.append(stem)
    doc = coco_document(images, annotations, spec.classes)
    (tmp / 'annotations' / f'instances_{split}.json').write_text(
        json.dumps(doc))
    return ids


def _write_classification_split(tmp: Path, spec: ShapesSpec, split: str,
                                per_class: int) -> None:
    lines = []
    folder = tmp / 'cls' / split
    for label, name in enumerate(spec.classes):
        (folder / name).mkdir(parents=True)
        for k in range(per_class):
            rng = _rng(spec, f'cls_{split}', label * per_class + k)
            crop = render_classification_crop(rng, spec.crop_size, label)
            _write_image(folder / name / f'{k:05d}.png', crop, '.png')
            lines.append(f'{name}/{k:05d}.png {label}')
    (tmp / 'cls' / f'{split}.txt').write_text('\n'.join(lines) + '\n')


def read_meta(root: os.PathLike) -> Dict:
    """The ``meta.json`` of a generated tree, or ``{}`` when there is none."""
    path = Path(root) / 'meta.json'
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def is_generated(root: os.PathLike, spec: ShapesSpec) -> bool:
    """Whether ``root`` holds a complete tree generated from ``spec``."""
    return read_meta(root) == spec.to_json()


def generate_shapes_dataset(root: os.PathLike, spec: ShapesSpec,
                            force: bool = False) -> bool:
    """Generate the data set under ``root`` unless it is already there.

    Args:
        root: Destination folder.
        spec: What to generate.
        force: Regenerate even if ``root`` already matches ``spec``.

    Returns:
        True if data was generated, False if ``root`` was already up to date.

    Raises:
        FileExistsError: ``root`` exists but was not made by this generator
            (it is never deleted unless it holds a ``meta.json`` of ours).
    """
    root = Path(root)
    if not force and is_generated(root, spec):
        return False
    if root.exists() and any(root.iterdir()) and not read_meta(root):
        raise FileExistsError(
            f'{root} exists and is not a generated shapes tree; '
            'remove it or choose another --out')
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f'.{root.name}.', dir=root.parent))
    try:
        for sub in ('JPEGImages', 'Annotations', 'ImageSets/Main'):
            (tmp / 'VOC2007' / sub).mkdir(parents=True)
        (tmp / 'annotations').mkdir()
        train_ids = _write_detection_split(tmp, spec, 'train', 0,
                                           spec.num_train)
        val_ids = _write_detection_split(tmp, spec, 'val', spec.num_train,
                                         spec.num_val)
        main = tmp / 'VOC2007' / 'ImageSets' / 'Main'
        (main / 'trainval.txt').write_text('\n'.join(train_ids) + '\n')
        (main / 'test.txt').write_text('\n'.join(val_ids) + '\n')
        _write_classification_split(tmp, spec, 'train',
                                    spec.cls_train_per_class)
        _write_classification_split(tmp, spec, 'val', spec.cls_val_per_class)
        (tmp / 'meta.json').write_text(json.dumps(spec.to_json(), indent=2))
        if root.exists():
            shutil.rmtree(root)
        os.replace(tmp, root)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return True
