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


def test_an_output_folder_that_cannot_be_created_is_refused(tmp_path):
    import pytest

    from spikedet.utils.atomic_io import ensure_writable_dir
    from spikedet.errors import UserInputError
    blocker = tmp_path / 'file'
    blocker.write_text('x')
    with pytest.raises(UserInputError, match='cannot write to .*file/out'):
        ensure_writable_dir(blocker / 'out')
    made = ensure_writable_dir(tmp_path / 'a' / 'b')
    assert made.is_dir() and list(made.iterdir()) == []
