"""The embedded shapes data set (COCO + VOC writers) and its generator."""
from .embedded import ensure_embedded_data, uses_embedded_data
from .shapes_classification import (PackClassificationInputs,
                                    RandomFlipRotate90, ShapesClassification)
from .shapes_generator import ShapesSpec, generate_shapes_dataset
from .shapes_renderer import SHAPE_CLASSES
from .calibration_sampler import CalibrationSampler
from .strided_sampler import StridedSampler

__all__ = [
    'SHAPE_CLASSES', 'ShapesSpec', 'generate_shapes_dataset',
    'ensure_embedded_data', 'uses_embedded_data', 'ShapesClassification',
    'PackClassificationInputs', 'RandomFlipRotate90', 'StridedSampler', 'CalibrationSampler'
]
