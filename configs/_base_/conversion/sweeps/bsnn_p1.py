# BSNN with P = 1 step per phase (the default is 4; the phase-coded
# reading, so a fire phase sends 1 bit): docs/bsnn_phase_sweep.md.
conversion = dict(method='bsnn', phase=1)
