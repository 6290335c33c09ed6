# One-Spike with K = 16 phases (the default is 8): docs/onespike_phase_sweep.md.
conversion = dict(method='onespike', phases=16)
