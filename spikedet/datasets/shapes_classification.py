"""The classification split of the embedded shapes data, as an mmengine dataset."""
import os.path as osp
from typing import Dict, List

import cv2
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.dataset import BaseDataset
from mmengine.structures import BaseDataElement

from ..registry import DATASETS, TRANSFORMS
from .shapes_renderer import SHAPE_CLASSES


@DATASETS.register_module()
class ShapesClassification(BaseDataset):
    """Crops listed in ``<data_root>/cls/<split>.txt`` as ``"<file> <label>"``.

    Args:
        split: ``'train'`` or ``'val'``.
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset`
            (``data_root``, ``pipeline``, ``test_mode``, ...).
    """
    METAINFO = dict(classes=SHAPE_CLASSES)

    def __init__(self, split: str = 'train', **kwargs) -> None:
        self.split = split
        kwargs.setdefault('ann_file', osp.join('cls', f'{split}.txt'))
        super().__init__(**kwargs)

    def load_data_list(self) -> List[Dict]:
        folder = osp.join(self.data_root, 'cls', self.split)
        items = []
        with open(self.ann_file) as f:
            for line in f:
                if line.strip():
                    name, label = line.split()
                    items.append(dict(img_path=osp.join(folder, name),
                                      gt_label=int(label)))
        return items


@TRANSFORMS.register_module()
class PackClassificationInputs(BaseTransform):
    """``img`` (HWC BGR uint8) -> ``inputs`` (CHW uint8 tensor); the label
    goes to a ``BaseDataElement`` in ``data_samples`` (``.gt_label``)."""

    def transform(self, results: Dict) -> Dict:
        img = np.ascontiguousarray(results['img'].transpose(2, 0, 1))
        sample = BaseDataElement(
            metainfo=dict(img_path=results.get('img_path')),
            gt_label=int(results['gt_label']))
        return dict(inputs=torch.from_numpy(img), data_samples=sample)


@TRANSFORMS.register_module()
class RandomFlipRotate90(BaseTransform):
    """Random horizontal flip and rotation by a multiple of 90 degrees."""

    def transform(self, results: Dict) -> Dict:
        img = results['img']
        if np.random.rand() < 0.5:
            img = cv2.flip(img, 1)
        img = np.rot90(img, np.random.randint(4))
        results['img'] = np.ascontiguousarray(img)
        return results
