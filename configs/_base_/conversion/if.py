# IF baseline (the spec's defaults, algorithms_others.md 6.0): integrate-and-
# fire neurons, reset by subtraction, initial membrane theta/2, threshold =
# 99.9th percentile of the non-zero calibration activations, layer-wise.
conversion = dict(method='if', threshold='percentile', percentile=99.9,
                  channel_wise=False, reset='subtract', v_init=0.5)
schedule = dict(type='plain')
