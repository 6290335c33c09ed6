# BSNN with P = 2 steps per phase (the default is 4; the phase-coded
# reading, so a fire phase sends 2 bits): docs/bsnn_phase_sweep.md.
conversion = dict(method='bsnn', phase=2)
