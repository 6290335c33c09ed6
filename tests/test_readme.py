"""The README's quick-start commands run as written (on the tiny data)."""
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import List

REPO = Path(__file__).resolve().parents[1]


def quick_start_commands() -> List[str]:
    """The ``python ...`` lines of the README's quick-start bash block."""
    text = (REPO / 'README.md').read_text()
    section = text.split('## Quick start', 1)[1].split('\n## ', 1)[0]
    block = re.search(r'```bash\n(.*?)```', section, re.S).group(1)
    return [line for line in block.splitlines() if line.startswith('python ')]


def test_quick_start_has_the_four_tools():
    tools = [shlex.split(c)[1] for c in quick_start_commands()]
    assert tools == ['tools/convert.py', 'tools/test.py', 'tools/visualize.py',
                     'tools/compare.py']


def test_quick_start_runs_as_written(tmp_path, tiny_shapes):
    """Each command, unchanged, from a directory laid out like the
    repository whose ``data/shapes`` is the tiny data set."""
    for name in ('configs', 'tools'):
        (tmp_path / name).symlink_to(REPO / name)
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data' / 'shapes').symlink_to(tiny_shapes)
    (tmp_path / 'data' / 'checkpoints').symlink_to(REPO / 'data' /
                                                   'checkpoints')
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for command in quick_start_commands():
        args = [sys.executable, *shlex.split(command)[1:]]
        proc = subprocess.run(args, cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=600)
        assert proc.returncode == 0, f'{command}\n{proc.stderr[-2000:]}'
    work = tmp_path / 'work_dirs'
    assert (work / 'yolov3_mbv2_shapes_if_channel' / 'snn.pth').is_file()
    assert (work / 'vis' / '000000.png').stat().st_size > 1000
    results = (work / 'results.md').read_text()
    assert '`if_channel`' in results and '`cif_wsc`' in results
