"""The papers' headline claims, checked on measured accuracy-vs-T curves.

Each check reads curves as written by ``tools/test.py`` (``curve.json``:
the ANN's metrics and, per read-out T, the SNN's metrics, steps and,
with ``--stats``, firing rates) and returns a :class:`ClaimCheck` whose
verdict is ``'met'``, ``'not met'`` or ``'undetermined'`` (the curves stop
before they can tell), with the numbers that decided it. T99 is the
smallest read-out T reaching 99 % of the ANN's headline metric; a curve
that never reaches it is only known to need more than its largest T, and
the checks reason with that bound instead of guessing a value.
"""
from dataclasses import dataclass
from typing import Dict, Optional

from .curve import first_reaching
from .report import main_metric

#: Fraction of the ANN's metric that defines T99.
TARGET = 0.99


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


def check_fewer_steps(claim: str, method: Dict, reference: Dict,
                      factor: float = 1.0, strict: bool = False
                      ) -> ClaimCheck:
    """``method`` reaches 99 % of its ANN within ``1 / factor`` of the
    steps ``reference`` needs (``strict``: in strictly fewer).

    Args:
        claim: The claim's text.
        method: The claimed method's curve.
        reference: The baseline's curve.
        factor: ``T99(method) <= T99(reference) / factor``.
        strict: Require ``<`` instead of ``<=``.
    """
    ours, theirs = t99(method), t99(reference)
    evidence = f'{_t99_text(method)} vs {_t99_text(reference)}'
    if ours is None and theirs is None:
        return ClaimCheck(claim, 'undetermined',
                          evidence + ' (neither reaches 99 % of its ANN)')
    if ours is None:
        return ClaimCheck(claim, 'not met', evidence)
    if theirs is None:
        # The baseline needs more than its largest T: a bound suffices.
        bound = max_timestep(reference) / factor
        met = ours < bound if strict else ours <= bound
        return ClaimCheck(claim, 'met' if met else 'undetermined', evidence)
    limit = theirs / factor
    met = ours < limit if strict else ours <= limit
    return ClaimCheck(claim, 'met' if met else 'not met', evidence)


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
