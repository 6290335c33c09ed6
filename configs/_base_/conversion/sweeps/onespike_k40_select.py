# One-Spike with K = 40 phases, per-channel maximum scales and the base and
# shift chosen per layer by the next layers' error.
conversion = dict(method='onespike', phases=40, select=True, threshold='max')
