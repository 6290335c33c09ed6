"""Rendering of the embedded "shapes" detection data.

Everything here is a pure function of a ``numpy.random.Generator`` so that a
seed fixes every pixel and every box. Images are BGR ``uint8`` arrays (OpenCV's
convention); boxes are integer pixel corners ``(x1, y1, x2, y2)`` with ``x2`` and
``y2`` exclusive, so a COCO ``[x, y, w, h]`` box and a VOC ``xmin..xmax`` box
describe exactly the same pixels.
"""
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

SHAPE_CLASSES: Tuple[str, ...] = ('circle', 'rectangle', 'triangle', 'star',
                                  'hexagon', 'cross')

# COCO area ranges (pixels): small < 32^2 <= medium < 96^2 <= large.
SIZE_RANGES = {'small': (14, 30), 'medium': (34, 96), 'large': (112, 220)}
SIZE_PROBS = {'small': 0.3, 'medium': 0.45, 'large': 0.25}

MIN_VISIBLE_FRACTION = 0.6
MAX_PLACEMENT_TRIES = 40


@dataclass
class RenderedObject:
    """One object placed in an image.

    Attributes:
        label: Index into :data:`SHAPE_CLASSES`.
        box: Integer ``(x1, y1, x2, y2)`` of the visible pixels, end-exclusive.
        area: Number of visible pixels.
    """
    label: int
    box: Tuple[int, int, int, int]
    area: int


def unit_polygon(label: int) -> np.ndarray:
    """Vertices of a class's outline inside the unit disc, centred at 0.

    Args:
        label: Index into :data:`SHAPE_CLASSES`.

    Returns:
        Array of shape ``(N, 2)``.
    """
    name = SHAPE_CLASSES[label]
    if name == 'circle':
        angles = np.linspace(0, 2 * np.pi, 48, endpoint=False)
        return np.stack([np.cos(angles), np.sin(angles)], axis=1)
    if name == 'rectangle':
        return np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) / np.sqrt(2)
    if name == 'triangle':
        angles = np.pi / 2 + np.arange(3) * 2 * np.pi / 3
        return np.stack([np.cos(angles), np.sin(angles)], axis=1)
    if name == 'star':
        angles = np.pi / 2 + np.arange(10) * np.pi / 5
        radii = np.where(np.arange(10) % 2 == 0, 1.0, 0.42)
        return np.stack([radii * np.cos(angles), radii * np.sin(angles)], 1)
    if name == 'hexagon':
        angles = np.arange(6) * np.pi / 3
        return np.stack([np.cos(angles), np.sin(angles)], axis=1)
    if name == 'cross':
        a, b = 0.3, 1.0
        pts = [(-a, -b), (a, -b), (a, -a), (b, -a), (b, a), (a, a), (a, b),
               (-a, b), (-a, a), (-b, a), (-b, -a), (-a, -a)]
        return np.array(pts, dtype=np.float64) / np.hypot(a, b)
    raise ValueError(f'unknown shape class index {label}')


def render_background(rng: np.random.Generator, height: int,
                      width: int) -> np.ndarray:
    """A textured, noisy background: smooth colour field plus a pattern.

    Args:
        rng: Random generator.
        height: Image height in pixels.
        width: Image width in pixels.

    Returns:
        BGR ``uint8`` image.
    """
    grid = rng.uniform(40, 215, size=(rng.integers(2, 6), rng.integers(2, 6), 3))
    field = cv2.resize(grid.astype(np.float32), (width, height),
                       interpolation=cv2.INTER_CUBIC)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    kind = rng.integers(0, 4)
    period = rng.uniform(6, 24)
    angle = rng.uniform(0, np.pi)
    phase = xx * np.cos(angle) + yy * np.sin(angle)
    if kind == 0:  # stripes
        pattern = np.sign(np.sin(2 * np.pi * phase / period))
    elif kind == 1:  # checkerboard
        pattern = np.sign(np.sin(2 * np.pi * xx / period) *
                          np.sin(2 * np.pi * yy / period))
    elif kind == 2:  # blotchy low-frequency noise
        blot = rng.normal(size=(max(2, height // 16), max(2, width // 16)))
        pattern = cv2.resize(blot.astype(np.float32), (width, height))
    else:  # plain
        pattern = np.zeros_like(xx)
    field += rng.uniform(5, 25) * pattern[..., None]
    field += rng.normal(0, rng.uniform(2, 10), size=field.shape)
    return np.clip(field, 0, 255).astype(np.uint8)


def _sample_side(rng: np.random.Generator, max_side: int) -> int:
    names = list(SIZE_RANGES)
    name = names[rng.choice(len(names), p=[SIZE_PROBS[n] for n in names])]
    low, high = SIZE_RANGES[name]
    high = min(high, max_side)
    low = min(low, high)
    return int(rng.integers(low, high + 1))


def _object_mask(rng: np.random.Generator, label: int, height: int,
                 width: int) -> Optional[np.ndarray]:
    """Rasterise one randomly scaled, stretched and rotated shape."""
    side = _sample_side(rng, int(0.9 * min(height, width)))
    aspect = rng.uniform(0.7, 1.4) if SHAPE_CLASSES[label] != 'circle' else 1.0
    angle = rng.uniform(0, 2 * np.pi)
    pts = unit_polygon(label) * np.array([aspect, 1.0 / aspect]) * side / 2
    rot = np.array([[np.cos(angle), -np.sin(angle)],
                    [np.sin(angle), np.cos(angle)]])
    pts = pts @ rot.T
    extent = pts.max(0) - pts.min(0)
    # Keep most of the object inside the image; a little truncation is allowed.
    cx = rng.uniform(extent[0] * 0.35, width - extent[0] * 0.35)
    cy = rng.uniform(extent[1] * 0.35, height - extent[1] * 0.35)
    poly = np.round((pts + [cx, cy]) * 16).astype(np.int32)
    mask = np.zeros((height, width), np.uint8)
    cv2.fillPoly(mask, [poly], 1, lineType=cv2.LINE_8, shift=4)
    return mask if mask.any() else None


def _box_of(mask: np.ndarray) -> Tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _object_colour(rng: np.random.Generator,
                   background: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A colour that differs clearly from the background under the mask."""
    under = background[mask.astype(bool)].mean(0)
    for _ in range(20):
        colour = rng.uniform(0, 255, size=3)
        if np.abs(colour - under).sum() > 150:
            return colour
    return 255 - under


def render_detection_image(
        rng: np.random.Generator,
        height: int,
        width: int,
        num_objects: int,
        num_classes: int = len(SHAPE_CLASSES)
) -> Tuple[np.ndarray, List[RenderedObject]]:
    """Render one detection image with up to ``num_objects`` shapes.

    Later objects are drawn over earlier ones; a placement is rejected when it
    would leave any object (itself included) with less than
    ``MIN_VISIBLE_FRACTION`` of its pixels visible, so objects overlap only
    partially. Boxes are the tight boxes of the visible pixels.

    Args:
        rng: Random generator.
        height: Image height.
        width: Image width.
        num_objects: Objects to try to place (at least one is always placed).
        num_classes: Number of classes to draw from.

    Returns:
        The BGR image and its objects.
    """
    image = render_background(rng, height, width)
    full_masks: List[np.ndarray] = []
    owner = np.full((height, width), -1, np.int32)  # index of top object
    labels: List[int] = []
    for _ in range(num_objects):
        for _ in range(MAX_PLACEMENT_TRIES):
            label = int(rng.integers(0, num_classes))
            mask = _object_mask(rng, label, height, width)
            if mask is None:
                continue
            trial = np.where(mask.astype(bool), len(full_masks), owner)
            visible = [(trial == i).sum() / m.sum()
                       for i, m in enumerate(full_masks + [mask])]
            if min(visible) >= MIN_VISIBLE_FRACTION:
                break
        else:
            continue
        colour = _object_colour(rng, image, mask)
        shade = rng.uniform(0.75, 1.0, size=(height, width, 1))
        painted = np.clip(colour * shade + rng.normal(0, 6, (height, width, 3)),
                          0, 255)
        image = np.where(mask[..., None].astype(bool), painted, image)
        image = image.astype(np.uint8)
        owner = trial
        full_masks.append(mask)
        labels.append(label)
    objects = []
    for i, label in enumerate(labels):
        visible = owner == i
        objects.append(RenderedObject(label, _box_of(visible),
                                      int(visible.sum())))
    image = cv2.GaussianBlur(image, (3, 3), rng.uniform(0.1, 0.8))
    return image, objects


def render_classification_crop(rng: np.random.Generator, size: int,
                               label: int) -> np.ndarray:
    """Render one object of class ``label`` filling most of a square crop.

    Args:
        rng: Random generator.
        size: Crop side in pixels.
        label: Index into :data:`SHAPE_CLASSES`.

    Returns:
        BGR ``uint8`` image of shape ``(size, size, 3)``.
    """
    image = render_background(rng, size, size)
    aspect = rng.uniform(0.75, 1.33) if SHAPE_CLASSES[label] != 'circle' else 1
    angle = rng.uniform(0, 2 * np.pi)
    scale = rng.uniform(0.55, 0.9) * size / 2
    pts = unit_polygon(label) * np.array([aspect, 1 / aspect]) * scale
    rot = np.array([[np.cos(angle), -np.sin(angle)],
                    [np.sin(angle), np.cos(angle)]])
    centre = size / 2 + rng.uniform(-0.08, 0.08, size=2) * size
    poly = np.round((pts @ rot.T + centre) * 16).astype(np.int32)
    mask = np.zeros((size, size), np.uint8)
    cv2.fillPoly(mask, [poly], 1, lineType=cv2.LINE_8, shift=4)
    colour = _object_colour(rng, image, mask)
    image = np.where(mask[..., None].astype(bool), colour, image)
    noise = rng.normal(0, 5, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def sample_image_size(rng: np.random.Generator,
                      sides: Sequence[int] = (160, 320)) -> Tuple[int, int]:
    """Sample ``(height, width)`` uniformly in ``[sides[0], sides[1]]``."""
    low, high = sides
    return int(rng.integers(low, high + 1)), int(rng.integers(low, high + 1))
