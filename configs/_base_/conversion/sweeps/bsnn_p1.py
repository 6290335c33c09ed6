# BSNN with P = 1 steps per phase (the paper's default is 4): a point of
# the phase sweep in docs/bsnn_phase_sweep.md.
conversion = dict(method='bsnn', phase=1)
