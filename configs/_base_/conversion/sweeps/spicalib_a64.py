# Spike Calibration with a fixed allowance A = 64, as in the authors'
# ImageNet runs at T = 256.
conversion = dict(method='spicalib', allowance=64)
