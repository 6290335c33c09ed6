"""Event-driven single-spike phase coding on a feed-forward chain."""
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import torch
from torch import Tensor, nn

from .one_spike_neuron import OneSpikeNeuron


@dataclass
class PhaseRun:
    """Result of :func:`simulate_phase_windows`.

    Attributes:
        output: The read-out layer's output.
        spikes: Spikes emitted per layer (each neuron at most one).
        neurons: Neurons per layer.
        steps: Latency, ``(L + 1) K`` steps.
    """
    output: Tensor
    spikes: List[int]
    neurons: List[int]
    steps: int


@torch.no_grad()
def simulate_phase_windows(stages: Sequence[Tuple[nn.Module,
                                                  OneSpikeNeuron]],
                           readout: nn.Module, x: Tensor) -> PhaseRun:
    """Run single-spike phase coding step by step (algorithms_others.md
    §2.3) on ``synapse_1 -> neuron_1 -> ... -> neuron_L -> readout``.

    Window ``l`` (``K`` steps): layer ``l`` integrates what layer ``l - 1``
    fires (layer 1: the analog input once, plus its bias once); in window
    ``l + 1`` it fires: at phase ``k`` a neuron that has not fired and whose
    potential reaches ``s lambda B^-k`` (in magnitude, with its sign, for a
    signed LeakyReLU neuron) emits one spike worth ``lambda B^-k``. The
    read-out integrates the last layer's spikes. Used to check that
    :class:`OneSpikeNeuron`, the functional form, computes exactly this.

    Args:
        stages: ``(synapse, neuron)`` pairs; a synapse is any linear module
            (conv, linear, flatten + linear in a Sequential, ...).
        readout: The last linear layer.
        x: The input.

    Returns:
        A :class:`PhaseRun`.
    """
    phases = stages[0][1].phases
    if any(n.phases != phases for _, n in stages):
        raise ValueError('every layer must use the same number of phases')
    spikes, neurons = [], []
    incoming = [x]  # the previous layer's spike values, one per phase
    for synapse, neuron in stages:
        zero = synapse(torch.zeros_like(incoming[0]))  # the bias alone
        potential = zero + sum(synapse(s) - zero for s in incoming)
        theta = neuron.theta(potential)
        a = neuron.activation(potential)
        fired = torch.zeros_like(a, dtype=torch.bool)
        emitted = []
        for k in range(phases):
            level = float(neuron.base) ** -k
            fire = ~fired & (a.abs() >= float(neuron.shift) * level * theta)
            fired |= fire
            emitted.append(torch.where(fire, torch.sign(a) * level * theta,
                                       torch.zeros_like(a)))
        spikes.append(int(fired.sum()))
        neurons.append(a.numel())
        incoming = emitted
    zero = readout(torch.zeros_like(incoming[0]))
    output = zero + sum(readout(s) - zero for s in incoming)
    return PhaseRun(output, spikes, neurons, (len(stages) + 1) * phases)
