"""The method comparison's tables: rows per run, the claims, the
spike-driven against analog table, the energy figure's data.

A run is what ``tools/compare.py`` records per model and preset: either
``dict(curve=<curve.json>, ...)`` or ``dict(refused=<reason>, ...)``.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..conversion.methods import Method
from ..simulation import energy
from . import claims as claim_checks
from .claims import TARGET, values_at
from .curve import first_reaching
from .report import main_metric
# The read-outs a run simulates (re-exported for tools/compare.py).
from .run_plan import doublings, extension, single_readout  # noqa: F401

RunKey = Tuple[str, str]  # (model key, preset key)


def t99_and_energy(run: Dict) -> Tuple[Optional[int], Optional[float]]:
    """T99 of a run and E / E_ANN there (None for a refused run or a curve
    that never reaches 99 %)."""
    if 'curve' not in run:
        return None, None
    curve = run['curve']
    t99 = first_reaching(curve, main_metric(curve), TARGET)
    if t99 is None:
        return None, None
    return t99, values_at(curve, t99).get('energy_ratio')


def table_head(timesteps: Sequence[int]) -> List[str]:
    """The header and rule of the main table."""
    head = ('| model | method | ' +
            ' | '.join(f'T={t}' for t in timesteps) +
            ' | ANN | T99 | firing rate | SOPs / image | E / E_ANN | '
            'E_SOP / E_ANN | E_tot / E_ANN | E_tot / E_int8 | SIN % |')
    return [head, '|' + '---|' * (len(timesteps) + 11)]


def _t99_cell(t99: Optional[int], curve: Dict, single: bool) -> str:
    if t99 is not None:
        return str(t99)
    # A single-inference method answers the same at every T.
    return 'never' if single else f'> {max(map(int, curve["timesteps"]))}'


def table_row(model: str, preset: str, run: Dict,
              timesteps: Sequence[int], stats_at: int = 0) -> str:
    """One row: the curve's cells, the ANN, T99 and efficiency (at
    ``stats_at`` if given, for a single-inference method, else at T99 or
    the largest T)."""
    if 'refused' in run:
        return (f'| {model} | `{preset}` | refused: {run["refused"]} |'
                + ' |' * (len(timesteps) + 8))
    curve = run['curve']
    name = main_metric(curve)
    t99 = first_reaching(curve, name, TARGET)
    cells = []
    for t in timesteps:
        values = curve['timesteps'].get(str(t))
        if values is None:  # a single-inference method reads out T = 1;
            # a run that reached 99 % was not extended, one left short was
            cells.append('-' if stats_at or t99 is not None else 'not run')
            continue
        steps = f'{int(values["wake_steps"])}/{int(values["total_steps"])}'
        extra = f' ({values["bbox_mAP"]:.3f})' if 'bbox_mAP' in values \
            else ''
        cells.append(f'{values[name]:.3f}{extra} @{steps}')
    stats = curve['timesteps'][str(stats_at or (
        t99 if t99 is not None else max(map(int, curve['timesteps']))))]
    ann = curve['ann']
    ann_extra = f' ({ann["bbox_mAP"]:.3f})' if 'bbox_mAP' in ann else ''
    return (f'| {model} | `{preset}` | ' + ' | '.join(cells) +
            f' | {ann[name]:.3f}{ann_extra} | '
            f'{_t99_cell(t99, curve, single=bool(stats_at))} | '
            f'{stats["firing_rate"]:.4f} | {stats["sops"]:.3g} | '
            f'{stats["energy_ratio"]:.3f} | '
            f'{energy(dict(stats, analog_macs=0.0))["ratio"]:.3f} | '
            f'{_ratio_cell(stats, "energy_ratio_total")} | '
            f'{_ratio_cell(stats, "energy_ratio_int8")} | '
            f'{100 * stats.get("sin_fraction", 0.0):.2f} |')


def _ratio_cell(stats: Dict, key: str) -> str:
    # A curve measured without the whole bill (reused from a run of an
    # earlier version) has no total: '-'.
    return f'{stats[key]:.3f}' if key in stats else '-'


def claim_rows(model: str, presets: Dict[str, Method],
               curves: Dict[str, Dict]) -> List[str]:
    """The claims of every measured preset's method on one model's curves.

    Args:
        model: The model's display name.
        presets: Preset key -> its method, in table order.
        curves: Preset key -> curve, for the runs that hold one.
    """
    rows = []
    for preset, method in presets.items():
        if preset not in curves:
            continue
        for claim in method.claims:
            text = claim.text.format(preset=preset)
            check = getattr(claim_checks, f'check_{claim.check}')
            if claim.reference is None:
                result = check(text, curves[preset], **claim.options)
            elif claim.reference in curves:
                result = check(text, curves[preset], curves[claim.reference],
                               **claim.options)
            else:
                continue
            rows.append(f'| {model} | {result.claim} | **{result.verdict}** '
                        f'| {result.evidence} |')
    return rows


def analog_rows(model: str, spike_driven: Dict[str, Dict],
                analog: Dict[str, Dict]) -> List[str]:
    """T99 and E / E_ANN there, spike-driven against analog hand-overs,
    for the presets run both ways."""
    def cell(value, fmt):
        return '-' if value is None else format(value, fmt)

    rows = []
    for preset, run in spike_driven.items():
        if preset not in analog:
            continue
        t_sd, e_sd = t99_and_energy(run)
        t_an, e_an = t99_and_energy(analog[preset])
        rows.append(f'| {model} | `{preset}` | {cell(t_sd, "d")} | '
                    f'{cell(t_an, "d")} | {cell(e_sd, ".3f")} | '
                    f'{cell(e_an, ".3f")} |')
    return rows


def energy_front(runs: Dict[str, Dict]):
    """``([(preset, [(E / E_ANN, metric), ...]), ...], ANN metric)`` of
    one model's runs that hold curves (ANN None when none does)."""
    front, ann = [], None
    for preset, run in runs.items():
        if 'curve' not in run:
            continue
        curve = run['curve']
        name = main_metric(curve)
        ann = curve['ann'][name]
        front.append((preset, [(v['energy_ratio'], v[name])
                               for v in curve['timesteps'].values()
                               if 'energy_ratio' in v]))
    return front, ann


@dataclass
class Sections:
    """The markdown's sections, filled model by model (:meth:`add`).

    Attributes:
        rows: The main table's rows.
        claims: The papers' claims checked on the curves.
        analog: Spike-driven against analog rows.
        panels: ``{model: (front, ANN metric)}`` for the energy figure.
    """
    rows: List[str] = field(default_factory=list)
    claims: List[str] = field(default_factory=list)
    analog: List[str] = field(default_factory=list)
    panels: Dict[str, Tuple] = field(default_factory=dict)

    def add(self, model: str, spike_driven: Dict[str, Dict],
            analog: Dict[str, Dict], methods: Dict[str, Optional[Method]],
            timesteps: Sequence[int]) -> None:
        """Add one model's runs, ``{preset: run}`` spike-driven and
        analog; ``methods`` maps a preset to its method (None when its
        preset does not load). A single-inference method's row shows
        only the first T."""
        for preset, run in spike_driven.items():
            self.rows.append(table_row(
                model, preset, run, timesteps,
                single_readout(methods.get(preset), timesteps)))
        self.claims += claim_rows(
            model, {k: v for k, v in methods.items() if v is not None},
            {k: r['curve'] for k, r in spike_driven.items() if 'curve' in r})
        self.analog += analog_rows(model, spike_driven, analog)
        front, ann = energy_front(spike_driven)
        if front:
            self.panels[model] = (front, ann)


def timing_text(runs: Sequence[Dict], side_by_side: int,
                wall_minutes: float) -> str:
    """How long the comparison took: the runs' process time, and the wall
    time of this invocation (saying how many runs it reused)."""
    reused = sum(1 for r in runs if r.get('reused'))
    busy = sum(r['seconds'] for r in runs) / 60
    text = (f'{len(runs)} runs, {side_by_side} side by side; the runs took '
            f'{busy:.0f} min of process time')
    if reused:
        return (text + f', {reused} of them reused from an earlier '
                f'invocation (this one: {wall_minutes:.0f} min).')
    return text + f', {wall_minutes:.0f} min wall time on this machine.'


def results_markdown(rows: Sequence[str], claims: Sequence[str],
                     timesteps: Sequence[int], header: Dict[str, str],
                     analog: Sequence[str] = (), figure: str = '',
                     notes: Dict[str, str] = None) -> str:
    """The whole ``docs/results.md``.

    Args:
        rows: :func:`table_row` lines.
        claims: :func:`claim_rows` lines.
        timesteps: The read-out T of the table.
        header: ``command``, ``timing``, ``images`` (detector images),
            ``cls_every`` (classifier stride), ``energy`` (the energy
            conventions) and optionally ``not_run`` (registered presets
            this table lacks).
        analog: :func:`analog_rows` lines (none: no such section).
        figure: File name of the energy figure beside the markdown.
        notes: Method name -> how to read its rows
            (:attr:`Method.results_note`).
    """
    h, notes = header, notes or {}
    return '\n'.join([
        '# Conversion methods compared', '',
        f'Generated by `{h["command"]}` (do not edit by hand): {h["timing"]}',
        '',
        *([f'Not in this table (not run in this invocation): '
           f'{", ".join(f"`{p}`" for p in h["not_run"])}.', '']
          if h.get('not_run') else []),
        f'- Detectors: the first {h["images"]} images of the embedded val '
        'split; metric mAP@0.5 with bbox mAP@[.5:.95] in brackets (COCO, '
        'pycocotools through mmdet\'s CocoMetric). Classifier: one val '
        f'crop in {h["cls_every"]} (StridedSampler: every class in '
        'proportion), top-1 %.',
        '- Each cell: metric @ wake/total steps (wake-sleep methods spend '
        'sleep steps; two-stage detectors count both stages: stage 1 to T '
        'for the proposals, then the box head for T wake steps on the '
        'pooled neck read-out). A run whose curve had not reached 99 % of '
        'its ANN by the first columns ran again to the last (one pass '
        'gives every T); `-`: not simulated (the run reached 99 % earlier, '
        'or a single-inference method, which answers at T = 1); `not run`: '
        'a run left at the first columns to save time (see the command).',
        '- ANN: the converted network\'s own ANN on the same images (the '
        'quantized ANN for CASC). T99: smallest T reaching 99 % of it.',
        f'- Firing rate, SOPs and energy at T99 (or T={timesteps[-1]}): '
        'spikes per neuron per step; synaptic operations per image '
        '(coefficient x fan-out); E / E_ANN the compute-only energy '
        'estimate relative to the ANN, E_SOP / E_ANN its synaptic part '
        'alone; E_tot / E_ANN the whole bill (neuron updates, weight '
        'fetches, spike and activation traffic added on both sides, '
        'float32), E_tot / E_int8 the same with int8 weights and arithmetic '
        'on both sides (`-`: a curve reused from a run that did not record '
        'it). Every run is spike-driven: a signed neuron sits at every '
        'identity site (a synaptic layer reading another\'s output), so '
        'only the input layer (and the analog islands of a network that '
        'has them) computes on analog values. SIN %: spikes of inactivated '
        'neurons (ANN activation 0, rectifying sites), each neuron\'s net '
        'signed count clipped at zero (a retraction lowers it), over all '
        'spikes.',
        f'- The {h["energy"][0].lower()}{h["energy"][1:]}',
        *(f'- `{name}`: {note}' for name, note in notes.items()),
        '', *table_head(timesteps), *rows, '',
        *([f'![mAP@0.5 / top-1 against E / E_ANN]({figure})', '']
          if figure else []),
        *(['## Spike-driven against analog hand-overs', '',
           'The same runs with `spike_driven=False` (identity sites left '
           'analog, charged as MACs; CASC on the `*_casc-l8-analog` '
           'checkpoints): what the extra neurons cost in T99 and save in '
           'energy.', '',
           '| model | method | T99 spike-driven | T99 analog | '
           'E / E_ANN at T99, spike-driven | E / E_ANN at T99, analog |',
           '|---|---|---|---|---|---|', *analog, '']
          if analog else []),
        '## The papers\' claims on this data', '',
        'Checked by `spikedet.evaluation.claims` on the curves above, each '
        'method\'s claims as its module in `spikedet/conversion/methods/` '
        'states them; IF is `if_channel` (the same channel-wise 99.9 % '
        'thresholds). A curve that never reaches 99 % is only known to need '
        f'more than T = {timesteps[-1]}.', '',
        '| model | claim | verdict | measured |', '|---|---|---|---|',
        *claims, '',
    ])
