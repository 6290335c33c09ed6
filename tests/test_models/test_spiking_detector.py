"""SpikingDetector on our detectors and on mmdet's own shipped configs."""
import os.path as osp

import mmdet
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config

from spikedet.neurons import BaseNeuron, SignedIFNeuron
from spikedet.registry import MODELS
from spikedet.utils.config import load_config

# Identity sites of our detectors: YOLOv3's MobileNetV2 has one per
# linear-bottleneck hand-over (the expand conv after a projection) and the
# neck -> head hand-overs; Faster R-CNN's FPN output convs, the RPN conv on
# five levels and the box head's first FC.
IDENTITY_YOLO = 20
IDENTITY_FRCNN = 10

MMDET_CONFIGS = osp.join(osp.dirname(mmdet.__file__), '.mim', 'configs')


def _data(h=96, w=128):
    sample = DetDataSample(metainfo=dict(
        img_shape=(h, w), ori_shape=(h, w), scale_factor=(1.0, 1.0),
        pad_shape=(h, w), batch_input_shape=(h, w)))
    g = torch.Generator().manual_seed(0)
    return dict(inputs=[torch.randint(0, 255, (3, h, w), generator=g,
                                      dtype=torch.uint8)],
                data_samples=[sample])


def _spiking(model_cfg, timesteps=(1, 3), **kwargs):
    snn = MODELS.build(dict(type='SpikingDetector', ann=model_cfg,
                            conversion=dict(method='if'),
                            timesteps=list(timesteps), **kwargs)).eval()
    snn.build_structure()
    return snn


def _mmdet_model(rel_path):
    cfg = Config.fromfile(osp.join(MMDET_CONFIGS, rel_path))
    cfg.model.backbone.init_cfg = None
    return cfg.model


@pytest.mark.parametrize('model', [
    'configs/yolov3/yolov3_mbv2_shapes.py',
    'yolo/yolov3_mobilenetv2_8xb24-320-300e_coco.py'])
def test_single_stage(model):
    cfg = load_config(model).model if model.startswith('configs') else \
        _mmdet_model(model)
    snn = _spiking(cfg)
    assert not snn.two_stage
    neurons = [m for m in snn.net.modules() if isinstance(m, BaseNeuron)]
    assert any(isinstance(m, SignedIFNeuron) for m in neurons)  # LeakyReLU
    with torch.no_grad():
        out = snn.test_step(_data())[0]
    assert set(out.timestep_preds) == {1, 3}
    assert out.timestep_steps == {1: (1, 1), 3: (3, 3)}
    assert 'bboxes' in out.pred_instances


@pytest.mark.parametrize('model', [
    'configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py',
    'faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'])
def test_two_stage(model):
    cfg = load_config(model).model if model.startswith('configs') else \
        _mmdet_model(model)
    snn = _spiking(cfg)
    assert snn.two_stage
    rpn_sites = [n for n, m in snn.net.named_modules()
                 if n.startswith('rpn_head.spikedet_sites.sites.')]
    assert len(rpn_sites) == 5  # F.relu once per FPN level
    # The RPN's conv reads the FPN's analog output: an identity neuron per
    # level.
    assert len(snn.net.rpn_head.rpn_conv.spikedet_input.sites) == 5
    box_neurons = [m for m in snn.box_net.modules()
                   if isinstance(m, BaseNeuron)]
    # The shared ReLU of Shared2FCBBoxHead twice, and the identity neuron
    # in front of its first FC (the RoI features are analog currents).
    assert len(box_neurons) == 3
    first_fc = snn.box_net.bbox_head.shared_fcs[0]
    assert isinstance(first_fc.spikedet_input.sites[0], BaseNeuron)
    with torch.no_grad():
        out = snn.test_step(_data(64, 64))[0]
    # Latency counts both stages: the proposals' T steps, then the box
    # head's T steps.
    assert out.timestep_steps == {1: (1, 2), 3: (3, 6)}


def test_box_input_is_checked():
    from spikedet.errors import ConfigError
    cfg = load_config('configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py')
    with pytest.raises(ConfigError, match='box_input'):
        _spiking(cfg.model, box_input='neck')


def test_heap_trim_is_checked_and_watches_both_stages(monkeypatch):
    from spikedet.utils import host_heap
    from spikedet.errors import ConfigError
    cfg = load_config('configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py')
    with pytest.raises(ConfigError, match='heap_trim'):
        _spiking(cfg.model, heap_trim=-1)
    trims = []
    monkeypatch.setattr(host_heap, 'MALLOC_TRIM', trims.append)
    monkeypatch.setattr(host_heap, 'resident_bytes', lambda: 2**30)
    snn = _spiking(cfg.model, timesteps=(3,), heap_trim=0.0)
    with torch.no_grad():
        snn.test_step(_data(64, 64))
    assert len(trims) == 1  # the first step of stage 1 sets the level
    steps = []
    monkeypatch.setattr(host_heap, 'resident_bytes',
                        lambda: 2**30 + len(steps))
    snn.box_net.register_forward_hook(lambda *a: steps.append(1))
    snn.net.register_forward_hook(lambda *a: steps.append(1))
    with torch.no_grad():
        snn.test_step(_data(64, 64))
    assert len(trims) == 1 + 6  # growing at every step of both stages


def test_box_head_reads_the_pooled_neck_readout_once_stage_one_ran():
    """``box_input='readout'``: stage 1 runs once; at each read-out T the
    box head is simulated T wake steps on RoIAlign of the neck's read-out
    at T (a constant current), which its input neurons turn into spikes.
    The statistics count stage 1's T steps once and the box head's."""
    from spikedet.simulation import TimestepStatistics
    cfg = load_config('configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py')
    cfg.model.test_cfg.rpn.update(nms_pre=50, max_per_img=20)
    snn = _spiking(cfg.model, (2, 3))
    stage1, box = [], []
    hooks = [snn.net.backbone.register_forward_hook(
        lambda m, a, o: stage1.append(1)),
        snn.box_net.register_forward_pre_hook(
            lambda m, a: box.append(a[0].clone()))]
    try:
        with torch.no_grad():
            out = snn.test_step(_data(64, 64))[0]
    finally:
        for hook in hooks:
            hook.remove()
    assert len(stage1) == 3  # to the largest T, once
    assert len(box) == 2 + 3  # T steps per read-out
    assert torch.equal(box[0], box[1])  # a constant current
    assert torch.equal(box[2], box[4])
    assert not torch.equal(box[1], box[2])  # read-out 2 vs 3
    assert out.timestep_steps == {2: (2, 4), 3: (3, 6)}
    snn.stats = TimestepStatistics()
    with torch.no_grad():
        snn.test_step(_data(64, 64))
    report = snn.stats.report()['timesteps']
    for t in (2, 3):
        layers = report[t]['layers']
        assert layers['backbone.relu']['steps'] == t
        assert any(n.startswith('roi_head.') for n in layers)
        assert list(report[t]['analog_layers']) == ['backbone.conv1']


def test_box_head_is_driven_by_each_steps_neck_output():
    """The lockstep pass feeds the box head RoIAlign of the neck's output
    of the same step, and its read-out equals the box head run on the
    pooled neck read-out of the first pass (RoIAlign is linear) when the
    box head is a plain integrator."""
    from mmdet.structures.bbox import bbox2roi
    from spikedet.simulation import simulate
    cfg = load_config('configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py')
    snn = _spiking(cfg.model, box_input='lockstep')
    x = snn.data_preprocessor(_data(64, 64), False)['inputs']
    boxes = torch.tensor([[4., 4., 40., 40.], [10., 0., 60., 30.]])
    rois = bbox2roi([boxes])
    steps = 4
    first = simulate(snn.net, x, [steps])[steps].output[0]
    extractor = snn.ann.roi_head.bbox_roi_extractor
    pooled = extractor(first[:extractor.num_inputs], rois)
    inputs = []
    handle = snn.box_net.register_forward_pre_hook(
        lambda m, a: inputs.append(a[0].clone()))
    snn.lockstep.start([rois])
    try:
        simulate(snn.lockstep, x, [steps])
    finally:
        handle.remove()
    assert len(inputs) == steps
    assert not torch.allclose(inputs[0], inputs[-1])  # per-step currents
    assert torch.allclose(torch.stack(inputs).mean(0), pooled, atol=1e-5)


def test_one_lockstep_pass_serves_every_readout():
    """Stage 1 runs the largest T once for all read-outs: read-out T's box
    head gives the output and the counts a pass of its own gives (stage 1
    up to T and its own box head only), and stops computing after T."""
    from mmdet.structures.bbox import bbox2roi
    from spikedet.simulation import TimestepStatistics, monitored_readouts
    cfg = load_config('configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py')
    timesteps = [1, 2, 3]
    snn = _spiking(cfg.model, timesteps, box_input='lockstep')
    x = snn.data_preprocessor(_data(64, 64), False)['inputs']
    rois = [bbox2roi([torch.tensor(b, dtype=torch.float32)]) for b in (
        [[4., 4., 40., 40.], [10., 0., 60., 30.]],
        [[0., 0., 20., 50.], [8., 8., 56., 56.], [30., 2., 63., 40.]],
        [[12., 20., 44., 60.]])]
    lockstep = snn.lockstep
    calls = [0] * len(timesteps)
    handles = [head.register_forward_pre_hook(
        lambda m, a, k=k: calls.__setitem__(k, calls[k] + 1))
        for k, head in enumerate(lockstep.heads)]
    lockstep.start(rois)
    try:
        for t, _, _ in monitored_readouts(None, lockstep, x, timesteps):
            lockstep.finish(timesteps.index(t))
    finally:
        for handle in handles:
            handle.remove()
    assert calls == timesteps

    def counted(readouts, ts):
        lockstep.start(readouts)
        out = {}
        for t, readout, counts in monitored_readouts(
                TimestepStatistics(), lockstep, x, ts):
            k = ts.index(t)
            lockstep.finish(k)
            out[t] = readout.output[k], lockstep.counts_of(k, counts)
        return out

    shared = counted(rois, timesteps)
    for k, t in enumerate(timesteps):
        (alone, alone_counts), = counted([rois[k]], [t]).values()
        output, counts = shared[t]
        assert len(output[0]) == len(rois[k])
        for a, b in zip(output, alone):
            assert torch.allclose(a, b, atol=1e-6)
        assert set(counts.layers) == set(alone_counts.layers)
        assert any(n.startswith('roi_head.') for n in counts.layers)
        assert not any(n.startswith('heads.') for n in counts.layers)
        for key, value in alone_counts.totals().items():
            if key == 'ann_macs':  # the whole pass's; the caller sets it
                continue
            assert counts.totals()[key] == pytest.approx(value), key


def test_state_dict_round_trip_rebuilds_structure():
    cfg = load_config('configs/yolov3/yolov3_mbv2_shapes.py').model
    a, b = _spiking(cfg), _spiking(cfg)
    for module in a.net.modules():
        if isinstance(module, BaseNeuron):
            module.threshold.mul_(3.0)
    b.load_state_dict(a.state_dict())
    for (_, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items()):
        assert torch.equal(x, y)


@pytest.mark.parametrize('model,sites,identity', [
    ('configs/yolov3/yolov3_mbv2_shapes_casc-l8.py', 55, IDENTITY_YOLO),
    ('configs/faster_rcnn/faster-rcnn_r18_fpn_shapes_casc-l8.py', 24,
     IDENTITY_FRCNN)])
def test_quantized_detectors_convert_to_consistent_neurons(model, sites,
                                                           identity):
    from spikedet.conversion import ClipFloor
    from spikedet.conversion.clip_floor import SignedClipFloor
    from spikedet.neurons import (ConsistentIFNeuron,
                                  SignedConsistentIFNeuron)
    cfg = load_config(model).model
    ann = MODELS.build(cfg)
    signed = [m for m in ann.modules() if isinstance(m, SignedClipFloor)]
    assert len(signed) == identity
    assert sum(isinstance(m, ClipFloor) for m in ann.modules()) == \
        sites + 2 * identity  # a signed clip-floor holds two
    snn = MODELS.build(dict(type='SpikingDetector', ann=cfg,
                            conversion=dict(method='cif_wsc'),
                            timesteps=[2])).eval()
    snn.build_structure()
    nets = [snn.net] + ([snn.box_net] if snn.two_stage else [])
    cif = [m for net in nets for m in net.modules()
           if isinstance(m, ConsistentIFNeuron)]
    assert len(cif) == sites
    assert all(float(m.threshold) == 1.0 for m in cif)
    signed_cif = [m for net in nets for m in net.modules()
                  if isinstance(m, SignedConsistentIFNeuron)]
    assert len(signed_cif) == identity
    assert all(m.shift == 0.5 for m in signed_cif)


@pytest.mark.parametrize('model', [
    'configs/yolov3/yolov3_mbv2_shapes.py',
    'configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py'])
def test_statistics_cover_every_stage(model):
    from spikedet.simulation import TimestepStatistics
    snn = _spiking(load_config(model).model, timesteps=(1, 2))
    snn.stats = TimestepStatistics()
    with torch.no_grad():
        snn.test_step(_data(64, 64))
    report = snn.stats.report()
    assert report['images'] == 1 and set(report['timesteps']) == {1, 2}
    one, two = report['timesteps'][1], report['timesteps'][2]
    assert two['sops'] >= one['sops'] > 0
    assert two['analog_macs'] == 2 * one['analog_macs'] > 0
    # Spike-driven: only the stem computes on analog values.
    stem = 'backbone.conv1' if snn.two_stage else 'backbone.conv1.conv'
    assert set(one['analog_layers']) == {stem}
    assert 0 < one['energy_ratio'] and 0 <= one['firing_rate'] <= 1
    layers = set(one['layers'])
    if snn.two_stage:  # the box head's neurons are counted too
        box = {'roi_head.' + n for n, _ in snn.box_net.named_modules()} & \
            layers
        assert box and layers - box
    neurons = {n for n, m in snn.net.named_modules()
               if isinstance(m, BaseNeuron)}
    assert neurons <= layers


def test_channel_wise_tops_become_channel_wise_thresholds():
    from spikedet.conversion import ClipFloor
    from spikedet.neurons import (ConsistentIFNeuron,
                                  SignedConsistentIFNeuron)
    cfg = load_config('configs/yolov3/yolov3_mbv2_shapes_casc-l4.py').model
    cfg.channel_wise = True
    snn = MODELS.build(dict(type='SpikingDetector', ann=cfg,
                            conversion=dict(method='cif_wsc_l4'),
                            timesteps=[4])).eval()
    clips = [m for m in snn.ann.modules() if isinstance(m, ClipFloor)]
    assert clips and all(m.top.dim() == 1 and m.top.numel() > 1
                         for m in clips)
    torch.manual_seed(0)
    with torch.no_grad():
        for m in clips:
            m.top.uniform_(0.5, 2.0)
    snn.calibrate([dict(inputs=torch.randn(1, 3, 64, 64),
                        data_samples=None)])
    thresholds = []
    for m in snn.net.modules():
        if isinstance(m, SignedConsistentIFNeuron):
            thresholds += [m.threshold, m.neg_threshold]
        elif isinstance(m, ConsistentIFNeuron):
            thresholds.append(m.threshold)
    tops = torch.cat([m.top.detach() for m in clips]).sort().values
    assert torch.equal(torch.cat(thresholds).sort().values, tops)


@pytest.mark.parametrize('model', [
    'configs/yolov3/yolov3_mbv2_shapes.py',
    'configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py'])
def test_chunked_steps_predict_as_single_steps(model):
    """Two wake steps per forward call (stage 1 and the box head) predict
    what single steps do (float32: up to the batched kernels' rounding;
    random weights tie many scores, so the order of equal boxes may
    differ)."""
    cfg = load_config(model).model
    snn = _spiking(cfg, timesteps=(1, 3))
    nets = [snn.net] + ([snn.box_net] if snn.two_stage else [])
    calls = []
    for net in nets:
        net.register_forward_hook(lambda *_, n=net: calls.append(n))
    with torch.no_grad():
        single = snn.test_step(_data())[0]
        single_calls, calls[:] = len(calls), []
        snn.chunk = 2
        chunked = snn.test_step(_data())[0]
    # Stage 1: steps 1 | 2-3; the box head: 1 (T = 1) and 1-2 | 3 (T = 3).
    assert (single_calls, len(calls)) == ((3, 2) if not snn.two_stage
                                          else (3 + 4, 2 + 3))
    assert chunked.timestep_steps == single.timestep_steps
    for t in (1, 3):
        a, b = single.timestep_preds[t], chunked.timestep_preds[t]
        assert len(a) == len(b) > 0
        assert torch.allclose(a.scores.sort().values, b.scores.sort().values,
                              atol=1e-5)
        assert torch.allclose(a.bboxes.sum(0), b.bboxes.sum(0), rtol=1e-4)


def test_chunk_is_checked():
    from spikedet.simulation import SimulationError
    cfg = load_config('configs/yolov3/yolov3_mbv2_shapes.py')
    with pytest.raises(SimulationError, match='chunk'):
        _spiking(cfg.model, chunk=0)


@pytest.mark.parametrize('model,box_input', [
    ('configs/yolov3/yolov3_mbv2_shapes.py', 'readout'),
    ('configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py', 'readout'),
    ('configs/faster_rcnn/faster-rcnn_r18_fpn_shapes.py', 'lockstep')])
def test_channels_last_runs_stage_one_in_nhwc_with_the_same_results(
        model, box_input):
    # (the default on the CPU; False keeps NCHW, the reference here)
    cfg = load_config(model)
    if 'rpn' in cfg.model.test_cfg:
        cfg.model.test_cfg.rpn.update(nms_pre=50, max_per_img=20)
    torch.manual_seed(0)
    snn = _spiking(cfg.model, (2, 3), box_input=box_input,
                   channels_last=False)
    with torch.no_grad():
        planar = snn.test_step(_data(64, 64))[0]
    layouts = []
    snn.channels_last = True
    hook = snn.net.register_forward_pre_hook(lambda m, a: layouts.append(
        a[0].is_contiguous(memory_format=torch.channels_last)))
    with torch.no_grad():
        nhwc = snn.test_step(_data(64, 64))[0]
    hook.remove()
    assert layouts and all(layouts)
    spatial = [m for m in snn.net.modules() if isinstance(
        m, torch.nn.Conv2d) and m.kernel_size != (1, 1)]
    assert spatial and all(m.weight.is_contiguous(
        memory_format=torch.channels_last) for m in spatial)
    for t in (2, 3):  # the convolutions sum in another order: rounding
        a, b = planar.timestep_preds[t], nhwc.timestep_preds[t]
        assert len(a.scores) == len(b.scores) > 0, t
        torch.testing.assert_close(a.scores, b.scores, atol=1e-4, rtol=1e-4)
        torch.testing.assert_close(a.bboxes, b.bboxes, atol=1e-2, rtol=1e-4)
