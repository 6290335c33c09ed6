# Spike Calibration with a fixed allowance A = 16 silent steps beyond the
# mean inter-spike interval (the preset's follows the run: A = T / 2).
conversion = dict(method='spicalib', allowance=16)
