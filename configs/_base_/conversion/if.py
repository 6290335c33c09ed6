# IF baseline: integrate-and-fire neurons, reset by subtraction, threshold =
# 99.9th percentile of the non-zero calibration activations, layer-wise.
conversion = dict(method='if', threshold='percentile', percentile=99.9,
                  channel_wise=False, reset='subtract', v_init=0.0)
schedule = dict(type='plain')
