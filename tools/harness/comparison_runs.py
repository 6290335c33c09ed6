"""One run of the method comparison: ``tools/test.py --snn PRESET --stats``
on a committed model, as a user runs it, recorded in ``run.json``."""
import hashlib
import json
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from spikedet.engine.spiking_config import load_method
from spikedet.errors import ConfigError, UserInputError
from spikedet.utils.atomic_io import atomic_write_json

from .model_zoo import ZooModel, ann_variant
from .presets import analog_preset, preset_key
from .tool_process import run_tool, user_error


def subset_options(model: ZooModel, images: int,
                   cls_every: int) -> Dict:
    """The val subset of a model: a detector's first ``images`` images
    (the COCO metric scores exactly those), every ``cls_every``-th
    classifier crop (:class:`StridedSampler`: every class in it)."""
    return dict(images=images) if model.detector else dict(every=cls_every)


def _subset_cfg(subset: Dict) -> List[str]:
    if 'images' in subset:
        return [f'test_dataloader.dataset.indices={subset["images"]}']
    return ['test_dataloader.sampler.type=StridedSampler',
            f'test_dataloader.sampler.stride={subset["every"]}']


@dataclass(frozen=True)
class Job:
    """A model, a preset (name or file) and whether spike-driven."""
    model: ZooModel
    preset: str
    analog: bool = False

    @property
    def key(self) -> str:
        return preset_key(self.preset)

    @property
    def label(self) -> str:
        return self.key + (' (analog)' if self.analog else '')

    def work_dir(self, root: str) -> str:
        return osp.join(root, self.model.key,
                        self.key + ('_analog' if self.analog else ''))


def plan_jobs(models: Sequence[ZooModel], presets: Sequence[str],
              analog: Sequence[str]) -> List[Job]:
    """Every model with every preset, spike-driven, and analog too for the
    presets in ``analog``; preset-major, so the presets given first finish
    first on every model."""
    return [Job(m, p, a) for p in presets for m in models
            for a in ((False, True) if p in analog else (False,))]


def _refused(reason: str, seconds: float, record: Dict) -> Dict:
    return dict(refused=reason, seconds=seconds, **record)


def run_job(job: Job, subset: Dict, root: str, timesteps: Sequence[int],
            options: Sequence[str] = (), threads: int = 0,
            reuse: bool = False) -> Dict:
    """Run (or, with ``reuse``, find) one comparison run.

    Args:
        job: What to run.
        subset: See :func:`subset_options`.
        root: The comparison's work folder (the run's is under it).
        timesteps: Read-out T.
        options: Further ``--cfg-options`` for tools/test.py.
        threads: Intra-op threads of the child process (0: torch's).
        reuse: Return the ``run.json`` an earlier invocation left for the
            same subset, T, options and checkpoint contents instead of
            running again.

    Returns:
        ``dict(curve=..., ...)``, or ``dict(refused=<reason>, ...)`` when the
        preset, the checkpoint or the conversion refuses (a clear error).

    Raises:
        UserInputError: The run crashed without a clear error.
    """
    work = job.work_dir(root)
    try:
        suffix, refusal = ann_variant(load_method(job.preset),
                                      not job.analog), None
    except (ConfigError, UserInputError) as err:
        suffix, refusal = None, str(err)
    record = dict(subset=subset, timesteps=list(timesteps),
                  options=list(options), spike_driven=not job.analog,
                  checkpoint_sha256=_digest(job, suffix))
    path = osp.join(work, 'run.json')
    if reuse and osp.isfile(path):
        with open(path) as f:
            run = json.load(f)
        # A run refused for a missing checkpoint is run again: the
        # checkpoint may have been trained since.
        if all(run.get(k) == v for k, v in record.items()) and \
                not run.get('missing'):
            return dict(run, reused=True)
    run = _refused(refusal, 0.0, record) if refusal is not None else \
        _run(job, suffix, work, record, threads)
    atomic_write_json(path, run, 2)
    return run


def _digest(job: Job, suffix: Optional[str]) -> Optional[str]:
    """The SHA-256 of the checkpoint of ``job``'s variant ``suffix`` (None
    where there is none): a retrained checkpoint is run again."""
    ckpt = None if suffix is None else job.model.files(suffix)[1]
    if ckpt is None or not osp.isfile(ckpt):
        return None
    with open(ckpt, 'rb') as f:
        return hashlib.file_digest(f, 'sha256').hexdigest()


def _run(job: Job, suffix: str, work: str, record: Dict,
         threads: int) -> Dict:
    config, ckpt = job.model.files(suffix)
    if not osp.isfile(ckpt):
        return dict(_refused(f'no checkpoint {ckpt}', 0.0, record),
                    missing=True)
    log = osp.join(work, 'test.log')
    preset = analog_preset(job.preset, work) if job.analog else job.preset
    code, seconds = run_tool(
        ['tools/test.py', config, ckpt, '--snn', preset, '--stats',
         '--calib-batches', '5', '--work-dir', work, '--timesteps',
         *map(str, record['timesteps']), '--cfg-options',
         *_subset_cfg(record['subset']), *record['options']], log, threads)
    if code != 0:
        reason: Optional[str] = user_error(log)
        if reason is None:
            raise UserInputError(f'{job.model.key}/{job.key} crashed; '
                                 f'see {log}')
        return _refused(reason, seconds, record)
    with open(osp.join(work, 'curve.json')) as f:
        curve = json.load(f)
    return dict(curve=curve, seconds=seconds, config=config,
                checkpoint=ckpt, **record)
