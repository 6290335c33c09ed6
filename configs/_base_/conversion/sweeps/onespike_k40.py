# One-Spike as its authors' later code runs it: K = 40 phases at one base
# B = 1.15, the midpoint threshold shift, per-channel maximum scales.
conversion = dict(method='onespike', phases=40, base=1.15, select=False,
                  threshold='max')
