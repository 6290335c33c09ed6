# One-Spike with K = 16 phases (the preset has K = 8): a finer logarithmic
# code (more levels, a wider range) for twice the latency (depth + 1) K.
_base_ = ['../onespike.py']
conversion = dict(phases=16)
