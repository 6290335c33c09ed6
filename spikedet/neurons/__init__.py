"""Spiking neurons and other stateful spiking layers (pure torch)."""
from .base import BaseNeuron
from .bistable_neuron import BistableNeuron
from .cif_neuron import ConsistentIFNeuron
from .compensated import CompensatedOp
from .double_threshold_neuron import DoubleThresholdNeuron
from .if_neuron import IFNeuron
from .one_spike_neuron import OneSpikeNeuron
from .pooled_neuron import MaxPoolThenNeuron
from .readout_delay import ReadoutDelay
from .signed_cif_neuron import SignedConsistentIFNeuron
from .signed_if_neuron import SignedIFNeuron
from .spike_calibration import SpikeCalibration
from . import kernels
from .spiking_max_pool import SpikingMaxPool2d
from .stateful import StatefulModule, reset_states, set_sleep

# Every neuron class, by registry name (registered in spikedet's MODELS by
# spikedet.models, so that this package imports torch only).
NEURONS = {
    'IFNeuron': IFNeuron,
    'SignedIFNeuron': SignedIFNeuron,
    'ConsistentIFNeuron': ConsistentIFNeuron,
    'SignedConsistentIFNeuron': SignedConsistentIFNeuron,
    'DoubleThresholdNeuron': DoubleThresholdNeuron,
    'BistableNeuron': BistableNeuron,
    'OneSpikeNeuron': OneSpikeNeuron,
}

__all__ = [
    'BaseNeuron', 'BistableNeuron', 'CompensatedOp', 'IFNeuron',
    'SignedIFNeuron', 'ConsistentIFNeuron', 'SignedConsistentIFNeuron',
    'DoubleThresholdNeuron',
    'MaxPoolThenNeuron', 'OneSpikeNeuron', 'ReadoutDelay', 'SpikeCalibration',
    'SpikingMaxPool2d', 'StatefulModule', 'reset_states', 'set_sleep',
    'NEURONS', 'kernels'
]
