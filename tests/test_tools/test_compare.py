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
         '--timesteps', '1', '4', '16', '64', '--cls-every', '2',
         '--jobs', '2', '--work-dir', str(tmp_path / 'runs'),
         '--out', str(tmp_path / 'results.md'), *extra,
         '--cfg-options', *opts],
        cwd=REPO, text=True, capture_output=True, timeout=900)


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
    assert rows[1].count(' @') == 4
    assert '| T=1 | T=4 | T=16 | T=64 |' in text
    claims = [ln for ln in text.splitlines()
              if ln.startswith('| ResNet-18 classifier | BSNN')]
    assert len(claims) == 1 and any(
        f'**{v}**' in claims[0] for v in ('met', 'not met', 'undetermined'))
    # A second invocation keeps the runs and only rewrites the markdown.
    before = run_file.stat().st_mtime_ns
    again = _compare(tmp_path, tiny_shapes, '--reuse')
    assert again.returncode == 0, again.stderr[-2000:]
    assert run_file.stat().st_mtime_ns == before
    assert '4 of them reused' in (tmp_path / 'results.md').read_text()
