"""What the spiking wrappers share: building converts nothing, simulating
needs a conversion, and the process stays as it was unless asked."""
import json
import subprocess
import sys

import pytest
import torch

from spikedet.models.detectors import SpikingDetector
from spikedet.neurons import native
from spikedet.utils.config import load_config
from spikedet.errors import ConfigError, UserInputError

CONFIG = 'configs/yolov3/yolov3_mbv2_shapes.py'

# Run in a fresh interpreter: an audit hook sees every process started
# (a compiler) once torch and mmdet are imported (torch's CUDA path finder
# runs ldconfig); glibc's own state shows whether mallopt was called: by
# default a 256 MiB block is mapped (mmap), after steady_heap's
# M_MMAP_MAX = 0 it comes from the heap.
PROBE = r'''
import ctypes, json, sys
started = []
def audit(event, args):
    if event == 'subprocess.Popen' and armed:
        started.append(str(args[0]))
armed = False
sys.addaudithook(audit)
import torch, mmdet.models  # their own imports may start processes
armed = True
import spikedet
from mmdet.structures import DetDataSample
from spikedet.models import SpikingDetector
from spikedet.neurons import kernels
from spikedet.utils.config import load_config
from spikedet.utils.setup_env import register_all_modules
register_all_modules()
snn = SpikingDetector(load_config(sys.argv[1]).model,
                      conversion=dict(method='if'), timesteps=[2],
                      **json.loads(sys.argv[2])).eval()
snn.build_structure()
sample = DetDataSample(metainfo=dict(img_shape=(64, 64), ori_shape=(64, 64),
                                     scale_factor=(1.0, 1.0)))
with torch.no_grad():
    snn.test_step(dict(inputs=[torch.zeros(3, 64, 64, dtype=torch.uint8)],
                       data_samples=[sample]))
libc = ctypes.CDLL(None)
mapped = None
if hasattr(libc, 'mallinfo2'):
    class Info(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            'arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks '
            'fordblks keepcost').split()]
    libc.mallinfo2.restype = Info
    libc.malloc.restype = ctypes.c_void_p
    before = libc.mallinfo2().hblks
    block = libc.malloc(256 << 20)
    mapped = libc.mallinfo2().hblks > before
    libc.free(ctypes.c_void_p(block))
json.dump(dict(mapped=mapped, started=started,
               compiled=len(kernels._COMPILED)), sys.stdout)
'''


def _process_effects(**options) -> dict:
    run = subprocess.run([sys.executable, '-c', PROBE, CONFIG,
                          json.dumps(options)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_building_and_running_a_detector_leaves_the_process_alone():
    """Defaults: glibc's heap settings untouched, no compiler started,
    nothing compiled; asking for heap trimming changes them (the probe
    sees what it checks for)."""
    effects = _process_effects()
    assert effects['started'] == [] and effects['compiled'] == 0
    if effects['mapped'] is None:
        pytest.skip('not glibc: no heap settings to check')
    assert effects['mapped']
    asked = _process_effects(heap_trim=0.05, backend='native')
    assert not asked['mapped'] and asked['compiled'] == 0
    assert asked['started'] in ([], [asked['started'][0]])  # cc --version


def _detector(**options) -> SpikingDetector:
    return SpikingDetector(load_config(CONFIG).model,
                           conversion=dict(method='if'), timesteps=[1],
                           **options).eval()


def test_building_converts_nothing_and_simulating_needs_a_conversion():
    snn = _detector()
    assert not snn.converted and not hasattr(snn, 'net')
    with pytest.raises(UserInputError, match='not converted'):
        snn._forward(torch.zeros(1, 3, 64, 64))
    snn.build_structure()
    assert snn.converted
    with torch.no_grad():
        out = snn._forward(torch.zeros(1, 3, 64, 64))
    assert len(out[0]) == 3  # YOLOv3's maps at its three strides


def test_converted_weights_build_the_structure_they_fill(tmp_path):
    from spikedet.utils.checkpoint import load_weights, save_weights
    source = _detector()
    source.build_structure()
    path = tmp_path / 'snn.pth'
    save_weights(path, source.state_dict())
    target = _detector()
    load_weights(target, path)
    assert target.converted
    for key, value in source.state_dict().items():
        assert torch.equal(target.state_dict()[key], value), key


@pytest.mark.parametrize('options, match', [
    (dict(backend='cuda'), 'unknown neuron step backend'),
    (dict(heap_trim=-1), 'heap_trim')])
def test_process_options_are_checked(options, match):
    with pytest.raises(ConfigError, match=match):
        _detector(**options)


def test_the_backend_runs_inside_the_simulation_only(monkeypatch):
    """The wrapper's backend is the kernels' choice during its steps and
    not after; 'native' falls back to torch where nothing is built."""
    from spikedet.neurons import kernels
    seen = []
    snn = _detector(backend='compile')
    snn.build_structure()
    snn.net.register_forward_hook(
        lambda *_: seen.append(kernels.current_backend()))
    monkeypatch.setattr(native, 'library', lambda: None)
    assert kernels.effective_backend('native') == 'torch'
    with torch.no_grad():
        snn._forward(torch.zeros(1, 3, 64, 64))
    assert seen == ['compile'] and kernels.current_backend() == 'torch'
