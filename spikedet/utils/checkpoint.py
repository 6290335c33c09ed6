"""Safe checkpoint I/O: the one loader every spikedet tool uses.

spikedet's checkpoints are plain: ``{'state_dict': {name: Tensor},
'meta': {plain python values}}``, so ``torch.load(..., weights_only=True)``
accepts them. Checkpoints written by mmengine's runner or downloaded from
mmdet's model zoo load too: the weights-only unpickler is given a vetted
allow-list of plain data types (:data:`SAFE_GLOBALS`: numpy scalars, arrays
and dtypes) and inert stand-ins for the training-state objects a runner
checkpoint carries beside the weights (mmengine's ``HistoryBuffer`` in the
message hub, and the ``getattr`` its pickles use to name the buffer's
statistics methods): a stand-in absorbs whatever it is given, calls nothing,
and is dropped with the rest of the training state. Every other global is
refused, and its name is reported (read from the pickle's opcodes, never by
unpickling it, whatever the container: zip, legacy torch file or plain
pickle): unpickling executes code. Weights that hold NaN or infinity are
refused too, by the first tensor that does.
"""
import os
import pickle
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

from .atomic_io import atomic_path
from ..errors import CheckpointError
from .pickle_globals import pickled_globals

_MAX_LISTED_KEYS = 5
# torch's weights-only unpickler names the global it refused to import.
_UNSAFE_GLOBAL = re.compile(r'unsupported (?:global|class):? (?:GLOBAL )?(\S+)',
                            re.IGNORECASE)


class _Inert:
    """Stand-in for a training-state object of a runner checkpoint: built
    from anything, keeps nothing, does nothing."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        pass


def _inert_getattr(obj: Any, name: str) -> None:
    """Stand-in for ``getattr`` in a checkpoint: looks nothing up."""
    return None


def _numpy_globals() -> List[Any]:
    core = np._core if hasattr(np, '_core') else np.core
    out: List[Any] = [np.ndarray, np.dtype]
    for module in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        out += [(core.multiarray.scalar, f'{module}.scalar'),
                (core.multiarray._reconstruct, f'{module}._reconstruct')]
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        out += [getattr(dtypes, n) for n in dir(dtypes)
                if n.endswith('DType') and isinstance(getattr(dtypes, n), type)]
    return out


#: What the weights-only unpickler may build beyond torch's own plain types.
SAFE_GLOBALS = _numpy_globals() + [
    (_Inert, 'mmengine.logging.history_buffer.HistoryBuffer'),
    (_inert_getattr, 'builtins.getattr'),
]


def read_checkpoint(path: os.PathLike) -> Dict[str, Any]:
    """Load a checkpoint file with ``weights_only=True``.

    Args:
        path: The file.

    Returns:
        ``{'state_dict': ..., 'meta': ...}``; a file that holds a bare state
        dict is returned with ``meta = {}``.

    Raises:
        CheckpointError: The file is missing, corrupt, not a state dict,
            needs a pickled global outside :data:`SAFE_GLOBALS` (named), or
            holds a NaN or infinite weight (its key named).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise CheckpointError(f'checkpoint not found: {path}')
    try:
        with torch.serialization.safe_globals(SAFE_GLOBALS):
            obj = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as exc:  # noqa: BLE001 - garbage can fail anywhere
        # (UnpicklingError, RuntimeError, EOFError, BadZipFile, KeyError, ...
        # from the unpickler on random bytes).
        raise _load_error(path, exc) from None
    return _normalise(obj, path)


def _allowed_globals() -> set:
    """Dotted names of the globals weights-only loading builds here."""
    names = set()
    try:
        from torch._weights_only_unpickler import _get_allowed_globals
        names.update(_get_allowed_globals())
    except (ImportError, AttributeError):  # another torch: names unknown
        pass
    for entry in list(torch.serialization.get_safe_globals()) + SAFE_GLOBALS:
        if isinstance(entry, tuple):
            names.add(entry[1])
        else:
            names.add(f'{entry.__module__}.{entry.__qualname__}')
    return names


def _load_error(path: str, exc: Exception) -> CheckpointError:
    """Why ``torch.load`` refused ``path``: the globals it would have to
    import (read from the pickle's opcodes), else damage."""
    allowed = _allowed_globals()
    refused = [name for name in pickled_globals(path) if name not in allowed]
    found = _UNSAFE_GLOBAL.search(str(exc))
    if not refused and found and isinstance(exc, pickle.UnpicklingError):
        refused = [found.group(1)]
    if refused:
        calls = 'a call to' if len(refused) == 1 else 'calls to'
        return CheckpointError(
            f'{path} contains {calls} {_listed(refused)}; refused '
            '(unpickling it could run arbitrary code; only weights, '
            'plain data and numpy values are loaded)')
    if isinstance(exc, pickle.UnpicklingError):
        return CheckpointError(
            f'{path} is not a readable PyTorch checkpoint (corrupt, '
            'truncated, or not written by torch.save)')
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return CheckpointError(f'{path} is not a readable PyTorch checkpoint '
                           f'(corrupt or truncated: {reason})')


def _normalise(obj: Any, path: str) -> Dict[str, Any]:
    if isinstance(obj, Mapping) and 'state_dict' in obj:
        state, meta = obj['state_dict'], obj.get('meta') or {}
    else:
        state, meta = obj, {}
    if not isinstance(state, Mapping) or not all(
            isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f'{path} holds no state dict of tensors')
    state = {_strip_prefix(k): v for k, v in state.items()}
    _check_finite(state, path)
    return dict(state_dict=state, meta=dict(meta))


def _check_finite(state: Mapping[str, torch.Tensor], path: str) -> None:
    """Refuse weights that hold NaN or infinity (a diverged training), by
    the first tensor that does: they would convert and evaluate silently.
    """
    bad = [key for key, value in state.items()
           if (value.is_floating_point() or value.is_complex())
           and not bool(torch.isfinite(value).all())]
    if bad:
        more = f' (and {len(bad) - 1} more tensors)' if len(bad) > 1 else ''
        raise CheckpointError(
            f'{path} holds non-finite weights (NaN or inf) in {bad[0]}'
            f'{more}; the training that wrote it diverged or the file is '
            'damaged: use an earlier checkpoint')


def _strip_prefix(key: str) -> str:
    return key[len('module.'):] if key.startswith('module.') else key


def _listed(keys: List[str]) -> str:
    shown = ', '.join(keys[:_MAX_LISTED_KEYS])
    more = len(keys) - _MAX_LISTED_KEYS
    return shown + (f' (+{more} more)' if more > 0 else '')


def mismatch_report(model_state: Mapping[str, torch.Tensor],
                    file_state: Mapping[str, torch.Tensor]) -> Optional[str]:
    """Describe how two state dicts differ, or return None if they fit.

    Args:
        model_state: The model's own ``state_dict()``.
        file_state: The state dict read from a file.

    Returns:
        One line naming missing, unexpected and wrongly shaped keys, or None.
    """
    missing = [k for k in model_state if k not in file_state]
    unexpected = [k for k in file_state if k not in model_state]
    shapes = [f'{k} {tuple(file_state[k].shape)} vs {tuple(v.shape)}'
              for k, v in model_state.items()
              if k in file_state and file_state[k].shape != v.shape]
    parts = []
    if missing:
        parts.append(f'missing keys ({len(missing)}): {_listed(missing)}')
    if unexpected:
        parts.append(
            f'unexpected keys ({len(unexpected)}): {_listed(unexpected)}')
    if shapes:
        parts.append(f'shape mismatch, file vs model ({len(shapes)}): '
                     f'{_listed(shapes)}')
    return '; '.join(parts) if parts else None


def load_weights(model: nn.Module, path: os.PathLike,
                 allow_missing: Sequence[str] = (),
                 skip: Sequence[str] = ()) -> Dict[str, Any]:
    """Load a checkpoint into ``model`` strictly and safely.

    Args:
        model: The model to fill.
        path: A checkpoint file.
        allow_missing: Key suffixes the file may lack (the model keeps its
            own values for them), e.g. ``('.top',)`` for the clip tops of a
            quantization-aware model started from a plain ANN. Everything
            else must match exactly.
        skip: Key suffixes whose values in the file are not used (the
            model keeps its own), e.g. ``('.top',)`` when a checkpoint with
            one clip top per site starts a channel-wise model whose tops
            are calibrated afresh.

    Returns:
        The checkpoint's ``meta`` dict.

    Raises:
        CheckpointError: See :func:`read_checkpoint`; also when the keys or
            shapes do not match the model (the message names them).
    """
    ckpt = read_checkpoint(path)
    prepare = getattr(model, 'prepare_for_weights', None)
    if prepare is not None:  # a spiking wrapper builds what they fill
        prepare(ckpt['state_dict'].keys())
    skip = tuple(skip)
    state = {key: value for key, value in ckpt['state_dict'].items()
             if not (skip and key.endswith(skip))}
    for key, value in model.state_dict().items():
        if key not in state and key.endswith(tuple(allow_missing) + skip):
            state[key] = value
    report = mismatch_report(model.state_dict(), state)
    if report:
        raise CheckpointError(
            f'checkpoint {os.fspath(path)} does not match the model: {report}')
    model.load_state_dict(state, strict=True)
    return ckpt['meta']


def _check_plain(value: Any, where: str) -> None:
    # Exact types: a str subclass such as torch.__version__ (TorchVersion) is
    # a pickled class that weights-only loading refuses.
    if value is None or type(value) in (bool, int, float, str):
        return
    if type(value) in (list, tuple):
        for i, item in enumerate(value):
            _check_plain(item, f'{where}[{i}]')
        return
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f'meta key {where}.{key!r} is not a str')
            _check_plain(item, f'{where}.{key}')
        return
    raise TypeError(f'meta value {where} of type {type(value).__name__} is '
                    'not plain (None, bool, int, float, str, list, dict)')


def save_weights(path: os.PathLike,
                 state_dict: Mapping[str, torch.Tensor],
                 meta: Optional[Dict[str, Any]] = None) -> Tuple[int, int]:
    """Write a plain, weights-only-loadable checkpoint atomically.

    Args:
        path: Destination file.
        state_dict: Tensors to store (moved to CPU, made contiguous).
        meta: Plain metadata (class names, config text, ...).

    Returns:
        ``(number of tensors, file size in bytes)``.
    """
    meta = dict(meta or {})
    _check_plain(meta, 'meta')
    state = {k: v.detach().cpu().contiguous() for k, v in state_dict.items()}
    with atomic_path(path) as tmp:
        torch.save(dict(state_dict=state, meta=meta), tmp)
        torch.load(tmp, map_location='cpu', weights_only=True)  # self-check
    return len(state), os.path.getsize(path)
