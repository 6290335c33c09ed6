# Spike Calibration with allowance A = 16 silent steps beyond the mean
# inter-spike interval (the preset's is 4).
conversion = dict(method='spicalib', allowance=16)
