"""COCO instance-annotation json for the embedded shapes data."""
from typing import Dict, List, Sequence

from .shapes_renderer import RenderedObject


def coco_categories(classes: Sequence[str]) -> List[Dict]:
    """COCO ``categories`` entries; ids start at 1 in class order."""
    return [dict(id=i + 1, name=name, supercategory='shape')
            for i, name in enumerate(classes)]


def coco_image_entry(image_id: int, file_name: str, height: int,
                     width: int) -> Dict:
    """One COCO ``images`` entry."""
    return dict(id=image_id, file_name=file_name, height=height, width=width)


def coco_annotation_entries(image_id: int, objects: Sequence[RenderedObject],
                            first_ann_id: int) -> List[Dict]:
    """COCO ``annotations`` entries of one image.

    Boxes are integer ``[x, y, w, h]`` so that they equal the VOC boxes of the
    same image after mmdet's parsing; ``area`` is the visible pixel count, as in
    COCO, so the small / medium / large ranges follow COCO's definition.

    Args:
        image_id: Id of the image the objects belong to.
        objects: The image's objects.
        first_ann_id: Id of the first annotation.

    Returns:
        The annotation dicts.
    """
    entries = []
    for k, obj in enumerate(objects):
        x1, y1, x2, y2 = obj.box
        entries.append(dict(id=first_ann_id + k, image_id=image_id,
                            category_id=obj.label + 1,
                            bbox=[x1, y1, x2 - x1, y2 - y1], area=obj.area,
                            iscrowd=0))
    return entries


def coco_document(images: List[Dict], annotations: List[Dict],
                  classes: Sequence[str]) -> Dict:
    """Assemble a complete COCO json document."""
    return dict(info=dict(description='spikedet embedded shapes data'),
                licenses=[], images=images, annotations=annotations,
                categories=coco_categories(classes))
