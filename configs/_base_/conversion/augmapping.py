# AugMapping (Yu et al., TNNLS 2022): double-threshold neurons whose
# augmented spikes carry a coefficient up to c_max; the calibrated threshold
# is split into c_max levels so one step carries up to c_max of them.
conversion = dict(method='augmapping', threshold='percentile',
                  percentile=99.9, channel_wise=True, c_max=4,
                  split_threshold=True, v_init=0.5)
schedule = dict(type='plain')
