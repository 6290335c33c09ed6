"""tools/compare.py end to end on the classifier and a tiny data set."""
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _compare(tmp_path: Path, root: Path, *extra: str):
    bad = tmp_path / 'bad_preset.py'
    bad.write_text("conversion = dict(method='if', bogus=1)\n")
    opts = [f'{split}_dataloader.{key}'
            for split in ('train', 'test')
            for key in (f'dataset.data_root={root}/', 'num_workers=0',
                        'persistent_workers=False')]
    return subprocess.run(
        [sys.executable, 'tools/compare.py', '--models', 'resnet18',
         '--methods', 'if_channel', 'configs/_base_/conversion/sweeps/bsnn_p2.py', 'cif_wsc',
         str(bad),
         '--timesteps', '1', '4', '16', '64', '--extend-to', '128',
         '--cls-every', '2',
         '--jobs', '2', '--work-dir', str(tmp_path / 'runs'),
         '--out', str(tmp_path / 'results.md'), *extra,
         '--cfg-options', *opts],
        cwd=REPO, text=True, capture_output=True, timeout=900)


def _final(runs: Path, model: str, preset: str) -> Path:
    """A run's folder: the extended run's where there is one."""
    extended = runs / 'extended' / model / preset
    return extended if extended.is_dir() else runs / model / preset


def _t99(run_dir: Path):
    curve = json.loads((run_dir / 'run.json').read_text())['curve']
    ann = curve['ann']['top1']
    reached = sorted(int(t) for t, v in curve['timesteps'].items()
                     if v['top1'] >= 0.99 * ann)
    return reached[0] if reached else None


def _bsnn_verdict(runs: Path) -> str:
    bsnn = _t99(_final(runs, 'resnet18', 'bsnn_p2'))
    ref = _t99(_final(runs, 'resnet18', 'if_channel'))
    if bsnn is None:
        return 'undetermined' if ref is None else 'not met'
    if ref is None:
        return 'met' if bsnn <= 128 / 4 else 'undetermined'
    return 'met' if bsnn <= ref / 4 else 'not met'


def test_compare_writes_rows_and_claims_and_reuses_runs(tmp_path,
                                                        tiny_shapes):
    proc = _compare(tmp_path, tiny_shapes)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    text = (tmp_path / 'results.md').read_text()
    rows = [ln for ln in text.splitlines()
            if ln.startswith('| ResNet-18 classifier | `')]
    assert [r.split('|')[2].strip() for r in rows] == \
        ['`if_channel`', '`bsnn_p2`', '`cif_wsc`', '`bad_preset`']
    # A run that exits with a clear error is a row saying so.
    assert 'refused:' in rows[3] and 'bogus' in rows[3]
    run_file = tmp_path / 'runs/resnet18/bsnn_p2/run.json'
    run = json.loads(run_file.read_text())
    assert run['subset'] == {'every': 2}
    assert run['timesteps'] == [1, 4, 16, 64]
    # BSNN's first read-outs come before its pipeline fills: recorded as
    # measured, one cell per T with wake / total steps.
    assert len(run['curve']['timesteps']) == 4
    assert '| T=1 | T=4 | T=16 | T=64 | T=128 |' in text
    # A curve short of 99 % by T = 64 ran again to 128 in its own folder;
    # one that reached it has '-' at 128.
    for row, preset in zip(rows[:3], ('if_channel', 'bsnn_p2', 'cif_wsc')):
        first = _t99(tmp_path / 'runs' / 'resnet18' / preset)
        extended = tmp_path / 'runs/extended/resnet18' / preset
        assert extended.is_dir() == (first is None), preset
        assert row.count(' @') == (5 if first is None else 4), row
    claims = [ln for ln in text.splitlines()
              if ln.startswith('| ResNet-18 classifier | BSNN')]
    assert len(claims) == 1
    # The verdict follows from the two runs' T99 (smallest measured T at
    # 99 % of the ANN): met when BSNN's is at most a quarter of IF's.
    assert f'**{_bsnn_verdict(tmp_path / "runs")}**' in claims[0]
    # A second invocation keeps the runs and only rewrites the markdown.
    before = run_file.stat().st_mtime_ns
    again = _compare(tmp_path, tiny_shapes, '--reuse')
    assert again.returncode == 0, again.stderr[-2000:]
    assert run_file.stat().st_mtime_ns == before
    assert '4 of them reused' in (tmp_path / 'results.md').read_text()


def test_analog_runs_convert_with_a_preset_file(tmp_path):
    """An analog comparison run converts the same preset with
    ``spike_driven=False`` (a conversion option, not an ANN config key),
    schedule included."""
    from harness.presets import analog_preset
    from spikedet.engine.spiking_config import load_method
    path = analog_preset('cif_wsc_l4', str(tmp_path / 'run'))
    loaded, original = load_method(path), load_method('cif_wsc_l4')
    assert loaded['conversion'] == dict(original['conversion'],
                                        spike_driven=False)
    assert loaded['schedule'] == original['schedule']
    assert loaded['schedule']['margin'] == 4
