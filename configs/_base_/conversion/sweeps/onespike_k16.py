# One-Spike with K = 16 phases at the default base 1.15 (the default K is
# 40). Compare: python tools/compare.py --methods onespike THIS_FILE
# --timesteps 1 --out work_dirs/onespike_sweep.md
conversion = dict(method='onespike', phases=16)
