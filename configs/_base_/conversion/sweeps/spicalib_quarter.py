# Spike Calibration with the allowance a quarter of the run: A = ceil(T / 4)
# for a simulation whose largest read-out is T (the preset's is T / 2).
conversion = dict(method='spicalib', allowance_fraction=0.25)
