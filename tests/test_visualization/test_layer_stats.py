"""Per-layer bar charts from stats.json, and tools/analyze_stats.py."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from spikedet.errors import UserInputError
from spikedet.visualization.layer_stats import layer_rows, plot_layer_stats

TOOL = Path(__file__).resolve().parents[2] / 'tools' / 'analyze_stats.py'


def _stats():
    def layer(rate, sops):
        return dict(firing_rate=rate, sops=sops, spikes=1.0, events=1.0)
    return dict(images=2, timesteps={
        '4': dict(layers={'backbone.a': layer(0.5, 10.0),
                          'head.b': layer(0.1, 3.0)}),
        '8': dict(layers={'backbone.a': layer(0.25, 20.0),
                          'head.b': layer(0.2, 6.0)})})


def test_rows_follow_the_file_at_the_requested_t():
    assert layer_rows(_stats(), 8) == [('backbone.a', 0.25, 20.0),
                                       ('head.b', 0.2, 6.0)]
    with pytest.raises(UserInputError, match='T = 4, 8'):
        layer_rows(_stats(), 16)


def test_plot_writes_a_png(tmp_path):
    out = tmp_path / 'layers.png'
    plot_layer_stats(_stats(), 4, out)
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_tool_draws_the_largest_t_and_refuses_bad_files(tmp_path):
    stats = tmp_path / 'stats.json'
    stats.write_text(json.dumps(_stats()))
    run = subprocess.run([sys.executable, str(TOOL), str(stats)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / 'layers_T8.png').is_file()
    broken = tmp_path / 'broken.json'
    broken.write_text('{"timesteps": ')
    for path in (broken, tmp_path / 'missing.json'):
        run = subprocess.run([sys.executable, str(TOOL), str(path)],
                             capture_output=True, text=True)
        assert run.returncode == 2
        assert run.stderr.startswith('error: ') and \
            run.stderr.count('\n') == 1, run.stderr
