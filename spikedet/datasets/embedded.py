"""Make sure the embedded shapes data exists before a config needs it."""
import json
import os
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from mmengine.config import Config
from mmengine.logging import MMLogger

from ..errors import UserInputError
from .shapes_generator import (ShapesSpec, generate_shapes_dataset,
                               is_generated, read_meta)

DEFAULT_ROOT = Path('data/shapes')


LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def _data_roots(cfg: Config, keys: Iterable[str]) -> Iterable[str]:
    for key in keys:
        loader = cfg.get(key)
        if loader and loader.get('dataset'):
            root = loader['dataset'].get('data_root')
            if root:
                yield root


def uses_embedded_data(cfg: Config,
                       keys: Iterable[str] = LOADERS,
                       root: os.PathLike = DEFAULT_ROOT) -> bool:
    """Whether a dataloader of ``cfg`` reads the embedded shapes data.

    Args:
        cfg: The config.
        keys: Which dataloaders to look at. Defaults to all three.
        root: The embedded data's folder.
    """
    target = Path(root).resolve()
    return any(Path(r).resolve() == target for r in _data_roots(cfg, keys))


def _other_shapes_set(root: Path, spec: ShapesSpec) -> Optional[Dict]:
    """The metadata of the complete shapes set in ``root`` if it was made
    from another spec than ``spec`` (not merely an older generator version
    of it), else None."""
    meta = read_meta(root)
    if not meta:
        return None
    strip = ('generator_version', )
    same = {k: v for k, v in meta.items() if k not in strip} == \
        {k: v for k, v in spec.to_json().items() if k not in strip}
    return None if same else meta


def ensure_embedded_data(root: os.PathLike = DEFAULT_ROOT,
                         spec: ShapesSpec = None,
                         generate: bool = True) -> Path:
    """Generate the default shapes data under ``root`` if it is missing, or
    made by an older version of the generator.

    A complete shapes set of another spec (say, a smaller one made with
    ``tools/dataset/generate_shapes.py``) is used as it is, with a
    warning: it is never deleted to make room for the default.

    Args:
        root: Where the data lives. Defaults to ``data/shapes``.
        spec: What to generate. Defaults to :class:`ShapesSpec`'s defaults.
        generate: Generate missing data; False only checks (several
            processes must not generate the same tree at once).

    Raises:
        UserInputError: ``generate`` is False and the data is missing.

    Returns:
        ``root`` as a path.
    """
    spec = spec or ShapesSpec()
    logger = MMLogger.get_current_instance()
    meta = _other_shapes_set(Path(root), spec)
    if meta is not None:
        logger.warning(
            f'{root} holds another shapes set than the default (seed '
            f'{meta.get("seed")}, {meta.get("num_train")} train / '
            f'{meta.get("num_val")} val images); using it as it is')
        return Path(root)
    if not generate:
        if not is_generated(Path(root), spec):
            raise UserInputError(f'the embedded data is missing in {root}: '
                                 'generate it first (make data)')
        return Path(root)
    made = generate_shapes_dataset(root, spec)
    if made:
        logger.info(f'generated the embedded shapes data in {root} '
                    f'({spec.num_train} train / {spec.num_val} val images)')
    return Path(root)


def val_image_paths(count: int, root: os.PathLike = DEFAULT_ROOT) -> List[str]:
    """The files of the first ``count`` val images of the embedded data."""
    root = Path(root)
    with open(root / 'annotations' / 'instances_val.json') as f:
        images = json.load(f)['images'][:count]
    return [str(root / 'VOC2007' / 'JPEGImages' / im['file_name'])
            for im in images]
