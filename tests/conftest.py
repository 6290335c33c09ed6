"""Shared fixtures: a tiny generated shapes data set, registered modules.

The pure-torch core (``spikedet.neurons``, ``.conversion``,
``.simulation``) is tested without MMDetection installed: nothing here
imports mmdet, mmengine or mmcv unless it is there, and the tests of the
core that use it are marked ``needs_mm``
(``pytest -m "not needs_mm" tests/test_neurons tests/test_conversion
tests/test_simulation`` runs the rest; CI runs everything).
"""
from pathlib import Path
from typing import Iterator

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _has_mm() -> bool:
    try:
        import mmcv  # noqa: F401
        import mmdet  # noqa: F401
        import mmengine  # noqa: F401
    except ImportError:
        return False
    return True


#: Whether MMDetection and its stack are importable here.
HAS_MM = _has_mm()


def _tiny_spec():
    from spikedet.datasets.shapes_generator import ShapesSpec
    return ShapesSpec(seed=7, num_train=12, num_val=6, cls_train_per_class=3,
                      cls_val_per_class=2)


def pytest_collection_modifyitems(config, items) -> None:
    """Without MMDetection, tests marked ``needs_mm`` are skipped."""
    if HAS_MM:
        return
    skip = pytest.mark.skip(reason='needs mmdet / mmengine / mmcv')
    for item in items:
        if 'needs_mm' in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope='session')
def tiny_spec():
    """The spec of :func:`tiny_shapes` (a ``ShapesSpec``)."""
    return _tiny_spec()


@pytest.fixture(scope='session')
def tiny_shapes(tmp_path_factory) -> Path:
    """A small shapes tree generated once per test session."""
    from spikedet.datasets.shapes_generator import generate_shapes_dataset
    root = tmp_path_factory.mktemp('data') / 'shapes'
    generate_shapes_dataset(root, _tiny_spec())
    return root


@pytest.fixture(scope='session', autouse=True)
def registered() -> None:
    """Register mmdet's and spikedet's modules with the spikedet scope
    (where MMDetection is installed)."""
    if not HAS_MM:
        return
    from spikedet.utils.setup_env import register_all_modules
    register_all_modules()


@pytest.fixture(autouse=True)
def default_scope_restored(registered) -> Iterator[None]:
    """Give every test the default scope the session started with: a tool
    run in-process (a runner, ``register_all_modules``) makes its own scope
    current, and a later test would build from that scope's registries."""
    if not HAS_MM:
        yield
        return
    from mmengine import DefaultScope
    saved = DefaultScope._instance_dict.copy()
    yield
    DefaultScope._instance_dict.clear()
    DefaultScope._instance_dict.update(saved)
