"""Shared fixtures: a tiny generated shapes data set, registered modules."""
from pathlib import Path
from typing import Iterator

import pytest

from spikedet.datasets.shapes_generator import (ShapesSpec,
                                                generate_shapes_dataset)

REPO_ROOT = Path(__file__).resolve().parents[1]
TINY_SPEC = ShapesSpec(seed=7, num_train=12, num_val=6, cls_train_per_class=3,
                       cls_val_per_class=2)


@pytest.fixture(scope='session')
def tiny_spec() -> ShapesSpec:
    """The spec of :func:`tiny_shapes`."""
    return TINY_SPEC


@pytest.fixture(scope='session')
def tiny_shapes(tmp_path_factory) -> Path:
    """A small shapes tree generated once per test session."""
    root = tmp_path_factory.mktemp('data') / 'shapes'
    generate_shapes_dataset(root, TINY_SPEC)
    return root


@pytest.fixture(scope='session', autouse=True)
def registered() -> None:
    """Register mmdet's and spikedet's modules with the spikedet scope."""
    from spikedet.utils.setup_env import register_all_modules
    register_all_modules()


@pytest.fixture(autouse=True)
def default_scope_restored(registered) -> Iterator[None]:
    """Give every test the default scope the session started with: a tool
    run in-process (a runner, ``register_all_modules``) makes its own scope
    current, and a later test would build from that scope's registries."""
    from mmengine import DefaultScope
    saved = DefaultScope._instance_dict.copy()
    yield
    DefaultScope._instance_dict.clear()
    DefaultScope._instance_dict.update(saved)
