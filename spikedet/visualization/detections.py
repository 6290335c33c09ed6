"""Draw detections with OpenCV: one panel per read-out, side by side."""
from typing import List, Sequence, Tuple

import cv2
import numpy as np

_PALETTE = [(230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48),
            (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60),
            (250, 190, 212), (0, 128, 128)]


def class_colour(label: int) -> Tuple[int, int, int]:
    """A stable BGR colour per class."""
    r, g, b = _PALETTE[label % len(_PALETTE)]
    return b, g, r


def draw_detections(image: np.ndarray, bboxes: np.ndarray,
                    labels: np.ndarray, scores: np.ndarray,
                    classes: Sequence[str], score_thr: float = 0.3,
                    title: str = '') -> np.ndarray:
    """Boxes, class names and scores above ``score_thr`` on a copy of
    ``image`` (BGR), with ``title`` in a bar on top."""
    out = image.copy()
    keep = scores >= score_thr
    for box, label, score in zip(bboxes[keep], labels[keep], scores[keep]):
        x1, y1, x2, y2 = [int(round(v)) for v in box]
        colour = class_colour(int(label))
        cv2.rectangle(out, (x1, y1), (x2, y2), colour, 2)
        name = classes[int(label)] if int(label) < len(classes) else str(label)
        text = f'{name} {score:.2f}'
        (w, h), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.4, 1)
        top = max(y1 - h - 4, 0)
        cv2.rectangle(out, (x1, top), (x1 + w + 2, top + h + 4), colour, -1)
        cv2.putText(out, text, (x1 + 1, top + h + 1),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1,
                    cv2.LINE_AA)
    bar = np.full((22, out.shape[1], 3), 32, np.uint8)
    cv2.putText(bar, f'{title}  ({int(keep.sum())} boxes)', (4, 15),
                cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1,
                cv2.LINE_AA)
    return np.concatenate([bar, out], axis=0)


def side_by_side(panels: List[np.ndarray], gap: int = 6) -> np.ndarray:
    """Panels of equal height in one row, separated by white gaps."""
    height = max(p.shape[0] for p in panels)
    row = []
    for i, panel in enumerate(panels):
        if panel.shape[0] < height:
            pad = np.zeros((height - panel.shape[0],) + panel.shape[1:],
                           np.uint8)
            panel = np.concatenate([panel, pad], axis=0)
        if i:
            row.append(np.full((height, gap, 3), 255, np.uint8))
        row.append(panel)
    return np.concatenate(row, axis=1)
