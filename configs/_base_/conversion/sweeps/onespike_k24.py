# One-Spike with K = 24 phases at one base B = 1.3, the midpoint shift,
# per-channel maximum scales.
conversion = dict(method='onespike', phases=24, base=1.3, select=False,
                  threshold='max')
