"""The pure-torch core and its tests need no MMDetection: in a process
where mmdet, mmengine and mmcv cannot be imported, the core imports and
its tests are collected (those marked ``needs_mm`` then skip)."""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORE_TESTS = ['tests/test_neurons', 'tests/test_conversion',
              'tests/test_simulation']
# Installed before anything else runs: every import of the three fails
# as if they were not installed.
BLOCKER = '''
import sys
class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('mmdet', 'mmengine', 'mmcv'):
            raise ModuleNotFoundError(f'No module named {name!r}')
sys.meta_path.insert(0, Blocked())
'''


def _without_mm(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / 'sitecustomize.py').write_text(BLOCKER)
    return subprocess.run([sys.executable, *args], cwd=REPO,
                          env={'PYTHONPATH': str(tmp_path),
                               'PATH': '/usr/bin:/bin'},
                          capture_output=True, text=True, timeout=600)


def test_the_core_imports_without_mmdetection(tmp_path):
    core = _without_mm(tmp_path, '-c', 'import spikedet.neurons, '
                       'spikedet.conversion, spikedet.simulation')
    assert core.returncode == 0, core.stderr[-2000:]
    # The blocker blocks: the mmdet-facing parts fail to import.
    glue = _without_mm(tmp_path, '-c', 'import spikedet.registry')
    assert glue.returncode != 0 and 'No module named' in glue.stderr


def test_the_core_tests_are_collected_without_mmdetection(tmp_path):
    run = _without_mm(tmp_path, '-m', 'pytest', '-q', '--co',
                      '-p', 'no:cacheprovider', *CORE_TESTS)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert 'ERROR' not in run.stdout and ' collected' in run.stdout
