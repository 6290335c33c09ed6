import pytest
import torch
from torch import nn

from spikedet.conversion import (ClipFloor, ConversionError,
                                 calibrate_clip_tops)


def _model() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 16), ClipFloor(8), nn.Linear(16, 3),
                         ClipFloor(8))


def test_tops_are_the_percentile_of_the_unquantized_activations():
    model = _model()
    batches = [torch.randn(64, 4) for _ in range(3)]
    seen = []
    hook = model[2].register_forward_hook(lambda m, a, o: seen.append(a[0]))
    tops = calibrate_clip_tops(model, batches, lambda m, b: m(b), 100.0)
    hook.remove()
    first = torch.cat([model[0](b) for b in batches]).clamp_min(0)
    # Passthrough while observing: the second layer saw relu(x), not levels.
    assert torch.allclose(torch.cat(seen), first)
    assert float(tops['1']) == pytest.approx(float(first.max()))
    second = model[2](first).clamp_min(0)
    assert float(tops['3']) == pytest.approx(float(second.max()), rel=1e-5)
    assert float(model[1].top) == pytest.approx(float(tops['1']))


def test_channel_wise_tops_are_each_channels_percentile():
    torch.manual_seed(0)
    clip = ClipFloor(4, learn_top=True, channel_wise=True)
    clip.set_channels(3)
    model = nn.Sequential(nn.Conv2d(2, 3, 1), clip)
    batches = [torch.randn(8, 2, 5, 5) for _ in range(2)]
    tops = calibrate_clip_tops(model, batches, lambda m, b: m(b), 100.0)
    with torch.no_grad():
        act = torch.cat([model[0](b) for b in batches]).clamp_min(0)
    per_channel = act.amax(dim=(0, 2, 3))
    assert torch.allclose(tops['1'], per_channel)
    assert torch.allclose(clip.top.detach(), per_channel)


def test_empty_batches_and_models_without_clip_floor_are_refused():
    with pytest.raises(ConversionError, match='empty'):
        calibrate_clip_tops(_model(), [], lambda m, b: m(b))
    with pytest.raises(ConversionError, match='no ClipFloor'):
        calibrate_clip_tops(nn.Linear(2, 2), [torch.zeros(1, 2)],
                            lambda m, b: m(b))
