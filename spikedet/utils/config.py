"""Config loading with user-facing errors."""
import importlib
import os
from typing import Dict, Optional

from mmengine.config import Config

from ..errors import ConfigError


def resolve_config_path(path: str) -> str:
    """``package::rel/path.py`` (e.g. ``mmdet::faster_rcnn/faster-rcnn_r50_
    fpn_1x_coco.py``, the way mmengine names configs shipped inside a
    package) to the file in the package's ``.mim/configs``; any other path
    unchanged.

    Raises:
        ConfigError: The package is not installed.
    """
    if '::' not in path:
        return path
    package, rel = path.split('::', 1)
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise ConfigError(f'config {path}: package {package!r} is not '
                          'installed') from None
    return os.path.join(os.path.dirname(module.__file__), '.mim', 'configs',
                        rel)


def load_config(path: os.PathLike,
                cfg_options: Optional[Dict] = None) -> Config:
    """Load an mmengine config file.

    Args:
        path: The config file, or ``package::rel/path.py`` for a config
            shipped inside an installed package (mmdet's model zoo).
        cfg_options: Overrides in ``--cfg-options`` form.

    Returns:
        The config.

    Raises:
        ConfigError: The file is missing, not a ``.py`` config, or fails to
            parse.
    """
    path = resolve_config_path(os.fspath(path))
    if not os.path.isfile(path):
        raise ConfigError(f'config not found: {path}')
    try:
        cfg = Config.fromfile(path)
    except (SyntaxError, NameError, ImportError, KeyError, TypeError,
            ValueError, FileNotFoundError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f'cannot load config {path}: {reason}') from None
    if 'model' not in cfg:
        raise ConfigError(f'config {path} defines no `model`')
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg
