# One-Spike (Hwang & Kung, arXiv 2403.08786): single-spike phase coding with
# K = 8 phases; per layer, the base B (1.1..2.0) and threshold shift are
# chosen greedily on the first calibration batch to minimise the coding
# error. One read-out step is one single-spike inference (latency
# (depth + 1) K steps); channel-wise 99.9 % scales.
conversion = dict(method='onespike', threshold='percentile', percentile=99.9,
                  channel_wise=True, phases=8, select=True)
schedule = dict(type='plain')
