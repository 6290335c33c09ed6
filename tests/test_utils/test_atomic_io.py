import pytest

from spikedet.utils.atomic_io import atomic_path, atomic_write_json


def test_failed_write_leaves_old_file_and_no_temp(tmp_path):
    path = tmp_path / 'out.json'
    atomic_write_json(path, {'a': 1})
    with pytest.raises(RuntimeError):
        with atomic_path(path) as tmp:
            tmp.write_text('half')
            raise RuntimeError('crash')
    assert path.read_text() == '{"a": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ['out.json']
