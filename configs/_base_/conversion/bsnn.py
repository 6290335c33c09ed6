# BSNN (Li, Zeng, Zhao, arXiv 2105.12917): bistable neurons that integrate
# for `phase` steps and fire for the next `phase`, alternating by spiking
# depth; fire-phase input is buffered (our realisation of the synchronous
# neurons on shortcuts). Channel-wise 99.9 % thresholds, doubled by the
# converter (see BistableNeuron).
conversion = dict(method='bsnn', threshold='percentile', percentile=99.9,
                  channel_wise=True, phase=4, sync=True, v_init=0.5)
schedule = dict(type='plain')
