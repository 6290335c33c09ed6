"""The energy model: 45 nm figures and the conventions of what is charged."""
from typing import Dict

# 45 nm CMOS, 32-bit float (Horowitz, ISSCC 2014), as used by the papers.
E_MAC_PJ = 4.6
E_AC_PJ = 0.9

# Written once; tools/test.py --stats and docs/results.md show it.
ENERGY_CONVENTIONS = (
    'energy model (45 nm, Horowitz 2014): SNN = 0.9 pJ per synaptic '
    'operation (a spike reaching a non-zero weight; a multi-valued spike '
    'counts |coefficient| operations, a One-Spike phase-coded spike one, its '
    'per-phase B^-k scaling not charged) + 4.6 pJ per MAC of a synaptic '
    'layer computing on analog input (the input layer on the image, '
    'direct encoding: charged at every step with a non-zero input, i.e. '
    'every wake step; any layer left analog with spike_driven=False) + '
    '4.6 pJ per MAC-equivalent of an analog island (a normalisation, '
    'softmax or product of two signals made rate-exact) at every wake '
    'step; ANN = 4.6 pJ per MAC of one forward pass of the same layers and '
    'islands (two-stage: stage 1 plus the box head on the same proposals). '
    'Compute-only (E / E_ANN) leaves out on either side: neuron updates '
    '(the rate-exact element-wise functions, SiLU and the like, included), '
    'biases, routing (additions, concatenation, up-sampling, pooling, '
    'RoIAlign), memory traffic. The whole bill (E_tot / E_ANN; int8: both '
    'sides with int8 weights and arithmetic, the SNN keeping 32-bit '
    'potentials) adds per neuron update an add, a compare and the potential '
    'read and written; per synaptic operation a weight fetched (256 KiB '
    'SRAM); per spike a 4-byte address event written and read; for the ANN '
    'its weights fetched once per 64 KiB output tile, its activations read '
    'and written once (64 KiB buffer; SRAM energies by size, Horowitz '
    '2014): spikedet.simulation.energy_model.')


def energy(totals: Dict[str, float], e_mac: float = E_MAC_PJ,
           e_ac: float = E_AC_PJ) -> Dict[str, float]:
    """Energy estimate from :meth:`Snapshot.totals` (any common scale),
    under :data:`ENERGY_CONVENTIONS`.

    SNN: ``e_ac`` per synaptic operation (multi-valued spikes counted as
    their coefficient) plus ``e_mac`` per analog MAC; ANN: ``e_mac`` per MAC
    of one forward pass of the same layers.

    Returns:
        ``snn_pj``, ``ann_pj`` and ``ratio`` (SNN / ANN).
    """
    snn = e_ac * totals['sops'] + e_mac * totals['analog_macs']
    ann = e_mac * totals['ann_macs']
    return dict(snn_pj=snn, ann_pj=ann, ratio=snn / ann if ann else 0.0)
