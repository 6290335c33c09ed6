"""The papers' headline claims, checked on measured accuracy-vs-T curves.

Each check reads curves as written by ``tools/test.py`` (``curve.json``:
the ANN's metrics and, per read-out T, the SNN's metrics, steps and,
with ``--stats``, firing rates) and returns a :class:`ClaimCheck` whose
verdict is ``'met'``, ``'not met'`` or ``'undetermined'`` (the curves
cannot tell), with the numbers that decided it. T99 is the smallest
read-out T reaching 99 % of the ANN's headline metric; a curve that never
reaches it is only known to need more than its largest T, and the checks
reason with that bound instead of guessing a value, then with the highest
level both curves reach.
"""
from dataclasses import dataclass
from typing import Dict, Optional

from .curve import first_reaching
from .report import main_metric

#: Fraction of the ANN's metric that defines T99.
TARGET = 0.99

#: Below this fraction of their ANNs, curves decide no latency claim.
FLOOR = 0.5


@dataclass(frozen=True)
class ClaimCheck:
    """One claim on one model.

    Attributes:
        claim: The paper's claim, in a few words.
        verdict: ``'met'``, ``'not met'`` or ``'undetermined'``.
        evidence: The measured numbers behind the verdict.
    """
    claim: str
    verdict: str
    evidence: str


def t99(curve: Dict) -> Optional[int]:
    """Smallest read-out T reaching 99 % of the ANN, or None."""
    name = main_metric(curve)
    t = first_reaching(curve, name, TARGET) if name else None
    return None if t is None else int(t)


def max_timestep(curve: Dict) -> int:
    """The largest read-out T of ``curve``."""
    return max(int(t) for t in curve['timesteps'])


def values_at(curve: Dict, timestep: int) -> Dict:
    """The read-out at ``timestep`` (keys are ints, or strings after a
    JSON round trip)."""
    steps = curve['timesteps']
    return steps[timestep] if timestep in steps else steps[str(timestep)]


def _t99_text(curve: Dict) -> str:
    t = t99(curve)
    return f'T99 = {t}' if t is not None else \
        f'T99 > {max_timestep(curve)}'


def best_fraction(curve: Dict) -> float:
    """The highest fraction of its ANN's headline metric ``curve`` reaches
    at any read-out (0 without a metric or a non-positive ANN value)."""
    name = main_metric(curve)
    ann = curve['ann'].get(name) if name else None
    if not ann or ann <= 0:
        return 0.0
    return max((v.get(name, 0.0) / ann for v in curve['timesteps'].values()),
               default=0.0)


def _fewer(ours: int, theirs: float, factor: float, strict: bool) -> bool:
    limit = theirs / factor
    return ours < limit if strict else ours <= limit


def _at_common_level(claim: str, method: Dict, reference: Dict,
                     factor: float, strict: bool, evidence: str
                     ) -> ClaimCheck:
    """Decide a latency claim that the 99 % target leaves open (neither
    curve, or only one, reaches it within its Ts) at the highest level
    both curves reach: the claimed method must get there within ``1 /
    factor`` of the baseline's steps. Below :data:`FLOOR` nothing is
    decided (curves that barely leave zero say nothing about latency)."""
    level = min(best_fraction(method), best_fraction(reference), TARGET)
    if level < FLOOR:
        return ClaimCheck(claim, 'undetermined', evidence
                          + f' (the curves reach {100 * level:.1f} % of '
                          'their ANNs at most)')
    reach = level - 1e-9  # the best read-out itself, despite rounding
    ours = first_reaching(method, main_metric(method), reach)
    theirs = first_reaching(reference, main_metric(reference), reach)
    met = _fewer(ours, theirs, factor, strict)
    return ClaimCheck(claim, 'met' if met else 'not met', evidence
                      + f'; at {100 * level:.1f} % of the ANN, the most both '
                      f'reach: T = {ours} vs T = {theirs}')


def check_fewer_steps(claim: str, method: Dict, reference: Dict,
                      factor: float = 1.0, strict: bool = False
                      ) -> ClaimCheck:
    """``method`` reaches 99 % of its ANN within ``1 / factor`` of the
    steps ``reference`` needs (``strict``: in strictly fewer).

    Where a curve never reaches 99 %, the check first reasons with the
    bound its largest T gives (a method at T99 = 8 against a baseline at
    T99 > 256 is 32 times faster at least). Where the bound cannot decide
    (neither reaches 99 %, or the bound is too loose), the claim is decided
    at the highest fraction of the ANN that both curves reach, which the
    evidence states: a latency claim is a claim about the whole curve, and
    the 99 % level is one point of it [our rule].

    Args:
        claim: The claim's text.
        method: The claimed method's curve.
        reference: The baseline's curve.
        factor: ``T99(method) <= T99(reference) / factor``.
        strict: Require ``<`` instead of ``<=``.
    """
    ours, theirs = t99(method), t99(reference)
    evidence = f'{_t99_text(method)} vs {_t99_text(reference)}'
    if ours is not None and theirs is not None:
        met = _fewer(ours, theirs, factor, strict)
        return ClaimCheck(claim, 'met' if met else 'not met', evidence)
    if ours is None and theirs is not None:
        return ClaimCheck(claim, 'not met', evidence)
    if ours is not None and _fewer(ours, max_timestep(reference), factor,
                                   strict):
        # The baseline needs more than its largest T: the bound suffices.
        return ClaimCheck(claim, 'met', evidence)
    return _at_common_level(claim, method, reference, factor, strict,
                            evidence)


def check_single_spike(claim: str, curve: Dict, timestep: int = 1,
                       tolerance: float = 0.01) -> ClaimCheck:
    """One single-spike inference (read-out ``timestep``) stays within
    ``tolerance`` (relative) of the ANN.

    Only the accuracy decides: the functional form emits at most one event
    per neuron per inference by construction, so the measured rate (spikes
    per neuron per input, given as evidence) cannot refute "one spike per
    neuron"; that part is checked event-driven on feed-forward chains in
    the tests (:func:`spikedet.neurons.one_spike_windows.simulate_phase_windows`).
    """
    name = main_metric(curve)
    values = values_at(curve, timestep)
    ann, snn = curve['ann'][name], values[name]
    rate = values.get('firing_rate')
    ratio = snn / ann if ann else float('nan')
    evidence = (f'{name} {snn:.4g} vs ANN {ann:.4g} ({100 * ratio:.1f} %)'
                + (f', {rate:.3f} spikes per neuron per input'
                   if rate is not None else ''))
    return ClaimCheck(claim, 'met' if ratio >= 1 - tolerance else 'not met',
                      evidence)
