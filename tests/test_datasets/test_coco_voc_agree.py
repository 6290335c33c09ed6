"""mmdet's own CocoDataset and VOCDataset read the same boxes."""
import numpy as np

from mmdet.datasets import CocoDataset, VOCDataset

from spikedet.datasets.shapes_renderer import SHAPE_CLASSES


def _by_image(dataset):
    out = {}
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        stem = info['img_path'].rsplit('/', 1)[-1].split('.')[0]
        boxes = np.array([inst['bbox'] for inst in info['instances']],
                         dtype=np.float64).reshape(-1, 4)
        labels = [inst['bbox_label'] for inst in info['instances']]
        out[stem] = (boxes, labels, info['img_path'])
    return out


def test_coco_and_voc_give_the_same_boxes(tiny_shapes):
    metainfo = dict(classes=SHAPE_CLASSES)
    for split, image_set in (('train', 'trainval'), ('val', 'test')):
        coco = CocoDataset(data_root=str(tiny_shapes), metainfo=metainfo,
                           ann_file=f'annotations/instances_{split}.json',
                           data_prefix=dict(img='VOC2007/JPEGImages/'),
                           test_mode=True, pipeline=[])
        voc = VOCDataset(data_root=str(tiny_shapes), metainfo=metainfo,
                         ann_file=f'VOC2007/ImageSets/Main/{image_set}.txt',
                         data_prefix=dict(sub_data_root='VOC2007/'),
                         test_mode=True, pipeline=[])
        a, b = _by_image(coco), _by_image(voc)
        assert a.keys() == b.keys() and len(a) > 0
        for stem in a:
            coco_boxes, coco_labels, coco_path = a[stem]
            voc_boxes, voc_labels, voc_path = b[stem]
            assert coco_path == voc_path
            assert coco_labels == voc_labels
            # VOC corners are inclusive: mmdet's VOC x2/y2 is the last pixel,
            # COCO's x2/y2 is one past it. Same pixels, exactly.
            np.testing.assert_array_equal(coco_boxes,
                                          voc_boxes + [0, 0, 1, 1])
        assert voc.metainfo['dataset_type'] == 'VOC2007'
