"""Hardware figures of the energy model: operations and memory accesses.

Every constant is a 45 nm CMOS figure from M. Horowitz, "Computing's
energy problem (and what we can do about it)", ISSCC 2014, the source the
compute-only estimate has always used:

- operations (pJ): 32-bit float multiply 3.7, add 0.9; 32-bit integer add
  0.1; 8-bit integer multiply 0.2, add 0.03;
- SRAM reads (pJ per 64-bit word): 10 for 8 KB, 20 for 32 KB, 100 for 1 MB.

What is ours, stated and an option of :class:`Hardware`:

- a MAC is a multiply and an add: 4.6 pJ in float32; in int8 an 8-bit
  multiply into a 32-bit accumulator, 0.2 + 0.1 = 0.3 pJ. A synaptic
  operation (one weight added to a membrane potential) is one add of the
  accumulator's width: 0.9 pJ in float32, 0.1 pJ in int8 (int8 weights,
  32-bit potentials);
- an access of ``b`` bits to an SRAM of ``s`` bytes costs ``b / 64`` times
  the 64-bit figure for ``s``, interpolated log-log between Horowitz's
  three sizes (constant below 8 KB, extrapolated along the 32 KB - 1 MB
  slope above 1 MB); a write costs what a read does;
- both sides fetch weights from an SRAM of ``weight_sram_kib`` and keep
  activations, spikes and membrane potentials in a buffer of
  ``buffer_kib`` (the same memories on both sides, so the comparison
  is between the computations, not between two chips).
"""
import math
from dataclasses import dataclass
from typing import Dict

#: Horowitz 2014: (SRAM bytes, pJ per 64-bit read).
SRAM_READ_PJ_64 = ((8 * 1024, 10.0), (32 * 1024, 20.0), (1024 * 1024, 100.0))

#: Per precision: MAC, synaptic accumulate, add (threshold compare, bias,
#: activation), in pJ; and the bits of a weight and of an ANN activation.
PRECISIONS: Dict[str, Dict[str, float]] = {
    'fp32': dict(mac=3.7 + 0.9, ac=0.9, add=0.9, weight_bits=32,
                 activation_bits=32),
    'int8': dict(mac=0.2 + 0.1, ac=0.1, add=0.1, weight_bits=8,
                 activation_bits=8),
}


def sram_pj_per_bit(size_bytes: float) -> float:
    """Energy of one bit read from (or written to) an SRAM of ``size_bytes``
    (see the module docstring for the interpolation)."""
    points = [(math.log(s), math.log(e / 64)) for s, e in SRAM_READ_PJ_64]
    x = math.log(max(size_bytes, SRAM_READ_PJ_64[0][0]))
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            break
    slope = (y1 - y0) / (x1 - x0)
    return math.exp(y0 + slope * (x - x0))


@dataclass(frozen=True)
class Hardware:
    """What the energy model assumes of the chip (see the module docstring).

    Attributes:
        precision: ``'fp32'`` or ``'int8'``: the arithmetic and the width of
            weights and of the ANN's activations (the SNN's potentials stay
            ``potential_bits`` wide). Defaults to ``'fp32'``.
        weight_sram_kib: The SRAM weights are fetched from. Defaults to
            256 KiB.
        buffer_kib: The on-chip buffer holding activations, spikes and
            potentials, and the tile an ANN layer computes before its
            weights are fetched again. Defaults to 64 KiB.
        event_bytes: An address event (a spike's neuron address).
            Defaults to 4.
        potential_bits: A membrane potential. Defaults to 32.
    """
    precision: str = 'fp32'
    weight_sram_kib: float = 256.0
    buffer_kib: float = 64.0
    event_bytes: int = 4
    potential_bits: int = 32

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f'precision must be one of {sorted(PRECISIONS)}'
                             f', got {self.precision!r}')
        if not (self.weight_sram_kib > 0 and self.buffer_kib > 0):
            raise ValueError('memory sizes must be > 0')

    @property
    def ops(self) -> Dict[str, float]:
        """MAC, accumulate and add energies (pJ) and the bit widths."""
        return PRECISIONS[self.precision]

    @property
    def weight_read_pj(self) -> float:
        """One weight fetched from the weight SRAM."""
        return self.ops['weight_bits'] * \
            sram_pj_per_bit(self.weight_sram_kib * 1024)

    @property
    def buffer_pj_per_bit(self) -> float:
        """One bit read from or written to the buffer."""
        return sram_pj_per_bit(self.buffer_kib * 1024)

    @property
    def buffer_bytes(self) -> float:
        return self.buffer_kib * 1024
