"""Register the pure-torch spiking modules in spikedet's MODELS registry.

``spikedet.neurons`` and ``spikedet.conversion`` import torch only; this
module is the mmengine glue that lets configs name them (``type='IFNeuron'``).
"""
from ..conversion.clip_floor import ClipFloor
from ..neurons import NEURONS, SpikingMaxPool2d
from ..registry import MODELS

for _name, _cls in NEURONS.items():
    MODELS.register_module(name=_name, module=_cls)
MODELS.register_module(name='SpikingMaxPool2d', module=SpikingMaxPool2d)
MODELS.register_module(name='ClipFloor', module=ClipFloor)
