"""Pascal VOC 2007-style annotation files for the embedded shapes data."""
from typing import Sequence
from xml.etree import ElementTree as ET

from .shapes_renderer import RenderedObject

# VOC corners are 1-based and inclusive. A box whose pixels span columns
# x1..x2-1 (0-based, x2 exclusive, as in our COCO json) is written as
# xmin = x1 + 1, xmax = x2. mmdet's ``XMLDataset`` subtracts 1 from all four
# corners, so it reads (x1, y1, x2 - 1, y2 - 1): the same pixels in VOC's
# inclusive convention, which mmdet's VOC evaluation honours with its legacy
# "+1" area rule. ``tests/test_datasets`` checks this round trip exactly.
VOC_PIXEL_OFFSET = 1


def _sub(parent: ET.Element, tag: str, text: object) -> ET.Element:
    node = ET.SubElement(parent, tag)
    node.text = str(text)
    return node


def voc_annotation_xml(file_name: str, height: int, width: int,
                       objects: Sequence[RenderedObject],
                       classes: Sequence[str]) -> str:
    """The ``Annotations/<id>.xml`` text of one image.

    Args:
        file_name: Image file name inside ``JPEGImages``.
        height: Image height.
        width: Image width.
        objects: The image's objects.
        classes: Class names, indexed by ``RenderedObject.label``.

    Returns:
        XML text.
    """
    root = ET.Element('annotation')
    _sub(root, 'folder', 'VOC2007')
    _sub(root, 'filename', file_name)
    size = ET.SubElement(root, 'size')
    _sub(size, 'width', width)
    _sub(size, 'height', height)
    _sub(size, 'depth', 3)
    _sub(root, 'segmented', 0)
    for obj in objects:
        x1, y1, x2, y2 = obj.box
        node = ET.SubElement(root, 'object')
        _sub(node, 'name', classes[obj.label])
        _sub(node, 'pose', 'Unspecified')
        truncated = x1 == 0 or y1 == 0 or x2 == width or y2 == height
        _sub(node, 'truncated', int(truncated))
        _sub(node, 'difficult', 0)
        box = ET.SubElement(node, 'bndbox')
        _sub(box, 'xmin', x1 + VOC_PIXEL_OFFSET)
        _sub(box, 'ymin', y1 + VOC_PIXEL_OFFSET)
        _sub(box, 'xmax', x2)
        _sub(box, 'ymax', y2)
    ET.indent(root)
    return ET.tostring(root, encoding='unicode') + '\n'
