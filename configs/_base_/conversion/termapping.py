# TerMapping (Yu et al., TNNLS 2022): double-threshold neurons with ternary
# spikes {-1, 0, +1}; channel-wise 99.9 % thresholds.
conversion = dict(method='termapping', threshold='percentile',
                  percentile=99.9, channel_wise=True, c_max=1, v_init=0.5)
schedule = dict(type='plain')
