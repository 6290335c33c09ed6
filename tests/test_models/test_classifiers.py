import pytest
import torch
from mmengine.structures import BaseDataElement

from spikedet.conversion import ClipFloor
from spikedet.neurons import BaseNeuron
from spikedet.registry import MODELS
from spikedet.utils.config import load_config

CFG = 'configs/classification/{}_shapes.py'


def _batch(n=4):
    g = torch.Generator().manual_seed(0)
    return dict(inputs=[torch.randint(0, 255, (3, 32, 32), generator=g,
                                      dtype=torch.uint8) for _ in range(n)],
                data_samples=[BaseDataElement(gt_label=i % 6)
                              for i in range(n)])


@pytest.mark.parametrize('name', ['resnet18', 'vgg11'])
def test_ann_losses_and_predictions(name):
    model = MODELS.build(load_config(CFG.format(name)).model)
    model.train()
    losses = model.train_step(_batch(), _FakeOptim())
    assert losses['loss'] > 0
    model.eval()
    out = model.test_step(_batch())
    assert len(out) == 4 and out[0]['pred_scores']['ann'].shape == (6,)


class _FakeOptim:
    def update_params(self, loss):
        loss.backward()

    def optim_context(self, model):
        import contextlib
        return contextlib.nullcontext()


def test_act_quant_replaces_every_activation():
    cfg = load_config(CFG.format('resnet18')).model
    cfg.act_quant = dict(levels=8)
    model = MODELS.build(cfg)
    assert sum(isinstance(m, ClipFloor) for m in model.modules()) == 17


def test_spiking_classifier_predicts_every_t_and_the_ann():
    cfg = load_config(CFG.format('vgg11')).model
    snn = MODELS.build(dict(type='SpikingClassifier', ann=cfg,
                            conversion=dict(method='if'), timesteps=[1, 3]))
    assert not snn.converted  # building converts nothing
    snn.build_structure()
    assert sum(isinstance(m, BaseNeuron) for m in snn.net.modules()) == 9
    snn.eval()
    out = snn.test_step(_batch(2))
    assert set(out[0]['pred_scores']) == {'ann', 1, 3}
    assert out[0]['steps'] == {1: (1, 1), 3: (3, 3)}


def test_spiking_classifier_refuses_training():
    cfg = load_config(CFG.format('vgg11')).model
    snn = MODELS.build(dict(type='SpikingClassifier', ann=cfg,
                            conversion=dict(method='if'), timesteps=[1]))
    with pytest.raises(ValueError, match='only predicts'):
        snn(torch.zeros(1, 3, 32, 32), [], mode='loss')
