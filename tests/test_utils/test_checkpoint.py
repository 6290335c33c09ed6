import os
import pickle

import pytest
import torch
from torch import nn

from spikedet.utils.checkpoint import (load_weights, read_checkpoint,
                                       save_weights)
from spikedet.errors import CheckpointError


def _net() -> nn.Module:
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.Conv2d(4, 2, 1))


class _Payload:
    """Unpickling this runs ``open(marker, 'w')``: a stand-in for any code."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def test_roundtrip_keeps_tensors_and_meta(tmp_path):
    net = _net()
    path = tmp_path / 'w.pth'
    count, size = save_weights(path, net.state_dict(),
                               dict(classes=['a', 'b'], epochs=3))
    assert count == len(net.state_dict()) and size == path.stat().st_size
    other = _net()
    meta = load_weights(other, path)
    assert meta == dict(classes=['a', 'b'], epochs=3)
    for key, value in net.state_dict().items():
        assert torch.equal(other.state_dict()[key], value)


def test_saved_file_loads_with_weights_only(tmp_path):
    path = tmp_path / 'w.pth'
    save_weights(path, _net().state_dict(), dict(classes=['a']))
    torch.load(path, weights_only=True)


@pytest.mark.parametrize('value', [object(), torch.__version__])
def test_meta_must_be_plain(tmp_path, value):
    # torch.__version__ is a str subclass that weights-only loading refuses.
    with pytest.raises(TypeError, match='not plain'):
        save_weights(tmp_path / 'w.pth', _net().state_dict(), dict(v=value))
    assert not (tmp_path / 'w.pth').exists()


@pytest.mark.parametrize('writer', ['torch', 'pickle'])
def test_malicious_pickle_is_refused_and_not_executed(tmp_path, writer):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    payload = dict(state_dict=_net().state_dict(), meta=_Payload(str(marker)))
    if writer == 'torch':
        torch.save(payload, path)
    else:
        path.write_bytes(pickle.dumps(payload))
    # Either way: refused by name and nothing executed. (A plain pickle's
    # tensors name torch.storage._load_from_bytes as well, itself refused.)
    with pytest.raises(CheckpointError, match=r'contains (a call|calls) '
                       r'to (.*, )?io\.open; refused'):
        read_checkpoint(path)
    assert not marker.exists()


class _System:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        import os
        return os.system, (self.command,)


@pytest.mark.parametrize('container', ['zip', 'legacy', 'pickle-0',
                                       'pickle-2', 'pickle-4', 'pickle-5'])
def test_a_shell_call_is_refused_by_name(tmp_path, container):
    # Whatever the container, the name comes from the pickle's opcodes:
    # torch's own unpickler stops earlier on some (protocols 0, 1, 4, 5 use
    # opcodes it does not know, and used to be called "corrupt").
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    evil = _System(f'touch {marker}')
    if container == 'zip':
        torch.save(dict(state_dict=_net().state_dict(),
                        meta=dict(x=evil)), path)
    elif container == 'legacy':
        torch.save(dict(state_dict=_net().state_dict(), meta=dict(x=evil)),
                   path, _use_new_zipfile_serialization=False)
    else:
        protocol = int(container.split('-')[1])
        path.write_bytes(pickle.dumps(dict(state_dict={}, meta=dict(x=evil)),
                                      protocol=protocol))
    with pytest.raises(CheckpointError) as info:
        read_checkpoint(path)
    system = f'{os.system.__module__}.system'  # posix.system on Linux
    assert f'contains a call to {system}; refused' in str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_non_finite_weights_are_refused_by_their_first_key(tmp_path, value):
    net = _net()
    state = net.state_dict()
    state['1.running_var'][2] = value  # the first bad tensor, in file order
    state['3.weight'][0] = value
    path = tmp_path / 'diverged.pth'
    save_weights(path, state)
    with pytest.raises(CheckpointError, match=r'non-finite weights \(NaN or '
                       r'inf\) in 1\.running_var \(and 1 more tensors\)'):
        read_checkpoint(path)
    before = {k: v.clone() for k, v in _net().state_dict().items()}
    other = _net()
    other.load_state_dict(before)
    with pytest.raises(CheckpointError, match='1.running_var'):
        load_weights(other, path)
    # Nothing was loaded: the model keeps its own weights.
    assert all(torch.equal(other.state_dict()[k], v)
               for k, v in before.items())


def _runner_checkpoint(work_dir) -> str:
    """A checkpoint written by mmengine's own Runner after one epoch of a
    toy model: meta with numpy values, the message hub's HistoryBuffers,
    optimizer state."""
    from mmengine.model import BaseModel
    from mmengine.runner import Runner

    class Toy(torch.utils.data.Dataset):
        metainfo = dict(classes=('a', 'b'))

        def __len__(self):
            return 4

        def __getitem__(self, i):
            return dict(inputs=torch.full((2,), float(i)),
                        target=torch.ones(2))

    class Model(BaseModel):
        def __init__(self):
            super().__init__()
            self.l = nn.Linear(2, 2)

        def forward(self, inputs, target=None, mode='tensor'):
            out = self.l(inputs)
            return dict(loss=((out - target) ** 2).mean()) \
                if mode == 'loss' else out

    runner = Runner(
        model=Model(), work_dir=str(work_dir), log_level='WARNING',
        train_dataloader=dict(dataset=Toy(), batch_size=2,
                              sampler=dict(type='DefaultSampler',
                                           shuffle=False),
                              collate_fn=dict(type='default_collate')),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        default_hooks=dict(logger=None, checkpoint=None))
    runner.train()
    runner.save_checkpoint(str(work_dir), 'epoch_1.pth')
    return runner.model.state_dict(), str(work_dir / 'epoch_1.pth')


def test_an_mmengine_runner_checkpoint_loads(tmp_path):
    state, path = _runner_checkpoint(tmp_path)
    ckpt = read_checkpoint(path)
    assert set(ckpt['state_dict']) == set(state)
    assert all(torch.equal(ckpt['state_dict'][k], v) for k, v in state.items())
    assert ckpt['meta']['dataset_meta'] == dict(classes=('a', 'b'))
    # The message hub's buffers were built as inert stand-ins and dropped.
    assert set(ckpt) == {'state_dict', 'meta'}
    holder = nn.Module()
    holder.l = nn.Linear(2, 2)
    load_weights(holder, path)
    assert torch.equal(holder.l.weight, state['l.weight'])


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match='not found'):
        read_checkpoint(tmp_path / 'nope.pth')


@pytest.mark.parametrize('damage', ['garbage', 'truncated', 'empty',
                                    'garbage-zip'])
def test_corrupt_file_gives_clear_error(tmp_path, damage):
    path = tmp_path / 'bad.pth'
    save_weights(path, _net().state_dict())
    data = path.read_bytes()
    if damage.startswith('garbage'):
        for seed in range(20):  # random bytes fail in many different ways
            g = torch.Generator().manual_seed(seed)
            noise = torch.randint(0, 256, (2048,), generator=g,
                                  dtype=torch.uint8).numpy().tobytes()
            if damage == 'garbage-zip':  # a zip header, then noise
                noise = data[:64] + noise
            path.write_bytes(noise)
            with pytest.raises(CheckpointError, match='not a readable'):
                read_checkpoint(path)
        return
    if damage == 'truncated':
        path.write_bytes(data[:len(data) // 2])
    else:
        path.write_bytes(b'')
    with pytest.raises(CheckpointError, match='not a readable PyTorch'):
        read_checkpoint(path)


def test_not_a_state_dict(tmp_path):
    path = tmp_path / 'list.pth'
    torch.save([1, 2, 3], path)
    with pytest.raises(CheckpointError, match='no state dict'):
        read_checkpoint(path)


def test_mismatch_names_the_keys(tmp_path):
    path = tmp_path / 'w.pth'
    save_weights(path, _net().state_dict())
    wider = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(),
                          nn.Conv2d(8, 2, 1), nn.Conv2d(2, 2, 1))
    with pytest.raises(CheckpointError) as info:
        load_weights(wider, path)
    message = str(info.value)
    assert 'does not match the model' in message
    assert 'missing keys (2): 4.weight, 4.bias' in message
    assert '0.weight (4, 3, 3, 3) vs (8, 3, 3, 3)' in message
    assert '\n' not in message


def test_bare_state_dict_and_module_prefix(tmp_path):
    net = _net()
    path = tmp_path / 'bare.pth'
    torch.save({f'module.{k}': v for k, v in net.state_dict().items()}, path)
    assert load_weights(_net(), path) == {}


def test_allow_missing_keeps_the_models_own_values_for_those_keys(tmp_path):
    from spikedet.conversion import ClipFloor
    plain = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    path = tmp_path / 'plain.pth'
    save_weights(path, plain.state_dict())
    quant = nn.Sequential(nn.Linear(2, 2), ClipFloor(8, top=3.0))
    with pytest.raises(CheckpointError, match='missing keys.*1.top'):
        load_weights(quant, path)
    load_weights(quant, path, allow_missing=['.top'])
    assert float(quant[1].top) == 3.0
    assert torch.equal(quant[0].weight, plain[0].weight)


def test_skip_leaves_the_files_values_for_those_keys_unused(tmp_path):
    from spikedet.conversion import ClipFloor
    per_site = nn.Sequential(nn.Linear(2, 3), ClipFloor(8, top=3.0))
    path = tmp_path / 'per_site.pth'
    save_weights(path, per_site.state_dict())
    per_channel = nn.Sequential(nn.Linear(2, 3),
                                ClipFloor(4, channel_wise=True))
    per_channel[1].set_channels(3)
    with pytest.raises(CheckpointError, match='1.top'):
        load_weights(per_channel, path)  # shape [] against [3]
    load_weights(per_channel, path, skip=['.top'])
    assert torch.equal(per_channel[1].top, torch.ones(3))
    assert torch.equal(per_channel[0].weight, per_site[0].weight)
