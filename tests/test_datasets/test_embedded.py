"""ensure_embedded_data: generate what is missing or outdated, keep the rest."""
import json
import shutil

import pytest

from spikedet.datasets.embedded import ensure_embedded_data
from spikedet.datasets.shapes_generator import GENERATOR_VERSION, read_meta
from spikedet.errors import UserInputError


def test_another_shapes_set_is_used_as_it_is(tmp_path, tiny_shapes):
    root = tmp_path / 'shapes'
    shutil.copytree(tiny_shapes, root)
    before = read_meta(root)
    # The default spec differs from the tiny one: nothing is regenerated
    # or deleted, with or without permission to generate.
    assert ensure_embedded_data(root) == root
    assert ensure_embedded_data(root, generate=False) == root
    assert read_meta(root) == before
    assert len(list((root / 'VOC2007' / 'JPEGImages').iterdir())) == \
        before['num_train'] + before['num_val']


def test_an_older_generator_version_is_regenerated(tmp_path, tiny_shapes,
                                                   tiny_spec):
    root = tmp_path / 'shapes'
    shutil.copytree(tiny_shapes, root)
    meta = read_meta(root)
    meta['generator_version'] = GENERATOR_VERSION - 1
    (root / 'meta.json').write_text(json.dumps(meta))
    with pytest.raises(UserInputError, match='missing'):
        ensure_embedded_data(root, tiny_spec, generate=False)
    ensure_embedded_data(root, tiny_spec)
    assert read_meta(root) == tiny_spec.to_json()


def test_missing_data_without_generation_is_a_clear_error(tmp_path):
    with pytest.raises(UserInputError, match='make data'):
        ensure_embedded_data(tmp_path / 'none', generate=False)
