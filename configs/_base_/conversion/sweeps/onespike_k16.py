# One-Spike with K = 16 phases at the default base 1.15 (the default K is
# 40): docs/onespike_phase_sweep.md.
conversion = dict(method='onespike', phases=16)
