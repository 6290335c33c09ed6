import pytest
import torch
import torch.nn.functional as F
from torch import nn

from spikedet.conversion import UnsupportedLayerError, trace_sites


class Functional(nn.Module):

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)
        self.head = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = F.leaky_relu(x, 0.1) + F.relu6(x)
        x = F.max_pool2d(x, 2)
        x = F.max_pool2d(x, 1, 2)  # 1x1: linear subsampling, no site
        return self.head(x)


def test_functional_sites_are_found_in_order():
    model = Functional()
    table = trace_sites(model, lambda: model(torch.randn(1, 3, 8, 8)))
    assert [(s.name, str(s.spec) if s.spec else 'pool', s.functional)
            for s in table.sites] == [
        ('<root>#0', 'relu', True),
        ('<root>#1', 'leaky_relu(slope=0.1)', True),
        ('<root>#2', 'clip(upper=6)', True),
        ('<root>#3', 'pool', True)]


def test_shared_module_gives_one_site_per_call():
    import torchvision
    model = torchvision.models.resnet18(num_classes=3).eval()
    table = trace_sites(model, lambda: model(torch.randn(1, 3, 32, 32)))
    owners = table.by_owner()
    assert len(owners['layer1.0.relu']) == 2
    assert len(table.sites) == 18  # 17 ReLU calls + the stem max-pool


@pytest.mark.parametrize('act,op', [(nn.SiLU(), 'SiLU'), (nn.GELU(), 'GELU'),
                                    (nn.Sigmoid(), 'Sigmoid')])
def test_elementwise_activation_modules_are_sites_with_analog_output(act, op):
    """An element-wise activation no neuron computes is a site of its own
    (made rate-exact), and what it passes on is analog: the synaptic layer
    reading it gets an identity site when spike-driven."""
    model = nn.Sequential(nn.Conv2d(3, 3, 1), act, nn.Conv2d(3, 3, 1))
    table = trace_sites(model, lambda: model(torch.randn(1, 3, 4, 4)),
                        spike_driven=True)
    kinds = [(s.name, s.spec.kind) for s in table.sites]
    assert kinds == [('1#0', 'elementwise'), ('2#0', 'identity')]
    assert table.sites[0].spec.params['op'] == op
    assert table.sites[0].spec.params['fn'] is act


class _Gelu(nn.Module):
    def forward(self, x):
        return F.gelu(x, approximate='tanh') + torch.sigmoid(x)


def test_elementwise_calls_keep_their_arguments():
    layer = _Gelu()
    model = nn.Sequential(nn.Conv2d(3, 3, 1), layer)
    table = trace_sites(model, lambda: model(torch.randn(1, 3, 4, 4)))
    gelu, sigmoid = table.sites
    assert (gelu.name, gelu.spec.params['op']) == ('1#0', 'GELU')
    assert sigmoid.spec.params['op'] == 'sigmoid'
    x = torch.randn(5)
    torch.testing.assert_close(gelu.spec.params['fn'](x),
                               F.gelu(x, approximate='tanh'))
    assert not torch.allclose(gelu.spec.params['fn'](x), F.gelu(x))


@pytest.mark.parametrize('act,name', [(nn.RReLU(), 'RReLU')])
def test_unsupported_activation_names_path_and_remedy(act, name):
    model = nn.Sequential(nn.Conv2d(3, 3, 1),
                          nn.Sequential(nn.Conv2d(3, 3, 1), act))
    with pytest.raises(UnsupportedLayerError) as info:
        trace_sites(model, lambda: model(torch.randn(1, 3, 4, 4)))
    message = str(info.value)
    assert message.startswith('1.1 (') and name in message
    assert "fine-tune the ANN with ReLU" in message


class _MaxHead(nn.Module):
    def forward(self, x):
        return torch.maximum(x, -x)


class _Attention(nn.Module):
    def forward(self, x):
        q = x.flatten(2).transpose(1, 2)
        return F.scaled_dot_product_attention(q, q, q)


@pytest.mark.parametrize('layer,path,remedy', [
    (_Attention(), '1.1 (_Attention) calls attention', 'MultiheadAttention'),
    (_MaxHead(), '1.1 (_MaxHead) calls maximum', 'predict_by_feat'),
])
def test_unsupported_operation_gets_its_own_remedy(layer, path, remedy):
    """Normalisation by the input's own statistics is told to become
    BatchNorm, a head's output nonlinearity to move into the decoding; not
    the activation remedy."""
    model = nn.Sequential(nn.Conv2d(3, 3, 1),
                          nn.Sequential(nn.Conv2d(3, 3, 1), layer))
    with pytest.raises(UnsupportedLayerError) as info:
        trace_sites(model, lambda: model(torch.randn(1, 3, 4, 4)))
    message = str(info.value)
    assert message.startswith(path) and remedy in message
    assert 'ReLU' not in message


def test_call_count_change_is_refused():
    class Dynamic(nn.Module):

        def forward(self, x):
            for _ in range(int(x.shape[0])):
                x = F.relu(x)
            return x

    model = Dynamic()
    table = trace_sites(model, lambda: model(torch.randn(1, 2)))
    with pytest.raises(RuntimeError, match='data-dependent control flow'):
        trace_sites(model, lambda: model(torch.randn(2, 2)), table)
