"""Config loading with user-facing errors."""
import os
from typing import Dict, Optional

from mmengine.config import Config

from .errors import ConfigError


def load_config(path: os.PathLike,
                cfg_options: Optional[Dict] = None) -> Config:
    """Load an mmengine config file.

    Args:
        path: The config file.
        cfg_options: Overrides in ``--cfg-options`` form.

    Returns:
        The config.

    Raises:
        ConfigError: The file is missing, not a ``.py`` config, or fails to
            parse.
    """
    path = os.fspath(path)
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
