"""spikedet's registries: children of MMDetection's, scope ``'spikedet'``.

Every registry kind mmdet declares has a spikedet child here. A config whose
default scope is ``spikedet`` therefore finds mmdet's classes (``YOLOV3``,
``CocoDataset``, ``AspectRatioBatchSampler`` ...) without a prefix: a lookup
searches the spikedet node, then its mmdet parent, then mmengine's root. A
kind without a spikedet node would make mmengine fall back to its own root
and miss mmdet's classes. Modules join with ``@MODELS.register_module()``;
``locations`` lets a lookup import spikedet's modules lazily.
"""
from mmdet import registry as mmdet_registry
from mmengine.registry import Registry

SCOPE = 'spikedet'


def _child(name: str, parent: Registry, *locations: str) -> Registry:
    return Registry(name, parent=parent, scope=SCOPE,
                    locations=list(locations))


RUNNERS = _child('runner', mmdet_registry.RUNNERS)
RUNNER_CONSTRUCTORS = _child('runner constructor',
                             mmdet_registry.RUNNER_CONSTRUCTORS)
LOOPS = _child('loop', mmdet_registry.LOOPS, 'spikedet.engine')
HOOKS = _child('hook', mmdet_registry.HOOKS, 'spikedet.engine')
DATASETS = _child('dataset', mmdet_registry.DATASETS, 'spikedet.datasets')
DATA_SAMPLERS = _child('data sampler', mmdet_registry.DATA_SAMPLERS)
TRANSFORMS = _child('transform', mmdet_registry.TRANSFORMS,
                    'spikedet.datasets')
MODELS = _child('model', mmdet_registry.MODELS, 'spikedet.models')
MODEL_WRAPPERS = _child('model_wrapper', mmdet_registry.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child('weight initializer',
                             mmdet_registry.WEIGHT_INITIALIZERS)
OPTIMIZERS = _child('optimizer', mmdet_registry.OPTIMIZERS)
OPTIM_WRAPPERS = _child('optim_wrapper', mmdet_registry.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer constructor',
                                    mmdet_registry.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child('parameter scheduler',
                          mmdet_registry.PARAM_SCHEDULERS)
METRICS = _child('metric', mmdet_registry.METRICS, 'spikedet.evaluation')
TASK_UTILS = _child('task util', mmdet_registry.TASK_UTILS, 'spikedet.models')
VISUALIZERS = _child('visualizer', mmdet_registry.VISUALIZERS,
                     'spikedet.visualization')
VISBACKENDS = _child('vis_backend', mmdet_registry.VISBACKENDS)
LOG_PROCESSORS = _child('log_processor', mmdet_registry.LOG_PROCESSORS)
