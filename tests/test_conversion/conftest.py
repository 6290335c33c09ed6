"""Helpers of the conversion tests."""
from typing import Callable, Dict, Sequence

import pytest
import torch
from torch import nn

from spikedet.simulation import simulate


@pytest.fixture
def readout_errors() -> Callable[..., Dict[int, float]]:
    """``errors(model, snn, x, timesteps)``: the mean absolute difference
    between the SNN's read-out and the ANN's output at each T."""
    def errors(model: nn.Module, snn: nn.Module, x: torch.Tensor,
               timesteps: Sequence[int]) -> Dict[int, float]:
        with torch.no_grad():
            ann = model(x)
        return {t: float((r.output - ann).abs().mean())
                for t, r in simulate(snn, x, list(timesteps)).items()}
    return errors
