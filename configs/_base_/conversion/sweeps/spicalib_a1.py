# Spike Calibration with allowance A = 1 silent steps beyond the mean
# inter-spike interval (the preset's is 4).
conversion = dict(method='spicalib', allowance=1)
