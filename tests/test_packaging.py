"""A regular (non-editable) install carries the method presets and the
fused neuron steps' C source: a wheel built from the repository has them,
and spikedet imported from that wheel resolves a preset by name from a
folder outside the repository."""
import ast
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """``(wheel, site)``: a wheel built from the repository and installed
    into a folder of its own (once per module)."""
    tmp_path = tmp_path_factory.mktemp('install')
    build = subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
         '--no-build-isolation', '-q', '-w', str(tmp_path / 'dist'),
         str(REPO)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel, = (tmp_path / 'dist').glob('spikedet-*.whl')
    site = tmp_path / 'site'
    install = subprocess.run(
        [sys.executable, '-m', 'pip', 'install', '--no-deps', '-q',
         '--target', str(site), str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    return wheel, site


def test_wheel_carries_the_presets(installed, tmp_path):
    wheel, site = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert 'spikedet/conversion/methods/if_baseline.py' in names
    assert 'spikedet/conversion/methods/casc.py' in names
    assert 'spikedet/neurons/csrc/neuron_steps.c' in names
    assert not [n for n in names if n.startswith(('tools/', 'harness/'))]
    outside = tmp_path / 'elsewhere'
    outside.mkdir()
    probe = ('import spikedet, sys\n'
             'from spikedet.conversion.methods import resolve\n'
             "print(spikedet.__file__)\n"
             "r = resolve('if_channel')\n"
             "print(r.method.name, r.options['channel_wise'])\n"
             "print(resolve('cif_wsc_l4').method.name)\n")
    run = subprocess.run([sys.executable, '-c', probe], cwd=outside,
                         env=dict(os.environ, PYTHONPATH=str(site)),
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    location, *resolved = run.stdout.split()
    assert Path(location).is_relative_to(site)  # not the checkout
    assert resolved == ['if', 'True', 'cif_wsc']


def test_an_installed_spikedet_converts_and_tests_from_elsewhere(installed,
                                                                 tmp_path):
    """``tools/test.py --snn`` from outside the checkout, with spikedet from
    the wheel: the data root resolves from the working directory (mmdet's
    convention; a link to the repository's data here), nothing else from
    the checkout but the tool, its config and checkpoint."""
    _, site = installed
    outside = tmp_path / 'elsewhere'
    outside.mkdir()
    (outside / 'data').symlink_to(REPO / 'data')
    run = subprocess.run(
        [sys.executable, str(REPO / 'tools/test.py'),
         str(REPO / 'configs/yolov3/yolov3_mbv2_shapes.py'),
         str(REPO / 'data/checkpoints/yolov3_mbv2_shapes.pth'),
         '--snn', 'if_channel', '--timesteps', '1', '2',
         '--calib-batches', '1', '--work-dir', 'out', '--cfg-options',
         'test_dataloader.dataset.indices=2'],
        cwd=outside, env=dict(os.environ, PYTHONPATH=str(site)),
        capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    curve = json.loads((outside / 'out/curve.json').read_text())
    assert sorted(curve['timesteps']) == ['1', '2'] and curve['ann']


def _string_constants(path: Path):
    """Every string constant of a module but its docstrings."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef,
                                       ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            yield node.lineno, node.value


def test_the_package_names_no_checkout_path():
    """What the package needs it ships: no string of it starts with a
    checkout folder (tools/, configs/, data/checkpoints/) to be opened
    relative to the working directory."""
    found = [f'{path.relative_to(REPO)}:{line}: {text!r}'
             for path in sorted((REPO / 'spikedet').rglob('*.py'))
             for line, text in _string_constants(path)
             if text.startswith(('tools/', 'configs/', 'data/checkpoints'))]
    assert found == []
