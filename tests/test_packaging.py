"""A regular (non-editable) install carries the method presets and the
fused neuron steps' C source: a wheel built from the repository has them,
and spikedet imported from that wheel resolves a preset by name from a
folder outside the repository."""
import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_carries_the_presets(tmp_path):
    build = subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
         '--no-build-isolation', '-q', '-w', str(tmp_path / 'dist'),
         str(REPO)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel, = (tmp_path / 'dist').glob('spikedet-*.whl')
    names = zipfile.ZipFile(wheel).namelist()
    assert 'spikedet/conversion/methods/if_baseline.py' in names
    assert 'spikedet/conversion/methods/casc.py' in names
    assert 'spikedet/neurons/csrc/neuron_steps.c' in names
    site = tmp_path / 'site'
    install = subprocess.run(
        [sys.executable, '-m', 'pip', 'install', '--no-deps', '-q',
         '--target', str(site), str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
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
