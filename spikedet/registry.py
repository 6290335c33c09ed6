"""spikedet's registries: children of MMDetection's, scope ``'spikedet'``.

Because every node is a child of the matching mmdet node, a config whose
default scope is ``spikedet`` finds mmdet's classes (``YOLOV3``,
``CocoDataset``, ``CocoMetric`` ...) without a prefix, and spikedet's own classes
shadow nothing of mmdet's. Modules join a registry with
``@MODELS.register_module()``; ``locations`` lets a lookup import them lazily.
"""
from mmdet.registry import DATASETS as MMDET_DATASETS
from mmdet.registry import HOOKS as MMDET_HOOKS
from mmdet.registry import LOOPS as MMDET_LOOPS
from mmdet.registry import METRICS as MMDET_METRICS
from mmdet.registry import MODELS as MMDET_MODELS
from mmdet.registry import TRANSFORMS as MMDET_TRANSFORMS
from mmdet.registry import VISUALIZERS as MMDET_VISUALIZERS
from mmengine.registry import Registry

SCOPE = 'spikedet'

MODELS = Registry('model', parent=MMDET_MODELS, scope=SCOPE,
                  locations=['spikedet.models'])
DATASETS = Registry('dataset', parent=MMDET_DATASETS, scope=SCOPE,
                    locations=['spikedet.datasets'])
TRANSFORMS = Registry('transform', parent=MMDET_TRANSFORMS, scope=SCOPE,
                      locations=['spikedet.datasets'])
HOOKS = Registry('hook', parent=MMDET_HOOKS, scope=SCOPE,
                 locations=['spikedet.engine'])
LOOPS = Registry('loop', parent=MMDET_LOOPS, scope=SCOPE,
                 locations=['spikedet.engine'])
METRICS = Registry('metric', parent=MMDET_METRICS, scope=SCOPE,
                   locations=['spikedet.evaluation'])
VISUALIZERS = Registry('visualizer', parent=MMDET_VISUALIZERS, scope=SCOPE,
                       locations=['spikedet.visualization'])
