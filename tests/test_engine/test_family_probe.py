"""The support-matrix probe is a function of its seed alone."""
import torch

from spikedet.engine.family_probe import build_probe, mmdet_model

DEFORMABLE_DETR = 'deformable_detr/deformable-detr_r50_16xb2-50e_coco.py'


def _fill_freed_memory_with_nan() -> None:
    """Leave the allocator's free blocks holding NaN, so that a parameter
    built empty (``torch.Tensor(n)``) would read NaN."""
    for numel in (64, 256, 1024, 4096, 16384):
        for _ in range(32):
            del_me = torch.full((numel, ), float('nan'))
            del del_me


def _probe():
    model = mmdet_model(DEFORMABLE_DETR)  # mmdet's build edits its config
    model.encoder.num_layers, model.decoder.num_layers = 1, 1
    _fill_freed_memory_with_nan()
    return build_probe(model, 32, [4])


def test_probe_parameters_do_not_depend_on_the_allocator():
    first, second = _probe(), _probe()
    for (name, a), b in zip(first.ann.named_parameters(),
                            second.ann.parameters()):
        assert torch.isfinite(a).all(), name
        assert torch.equal(a, b), name
