# Spike Calibration (Li et al., arXiv 2207.02702) on the channel-wise IF
# baseline: a neuron silent for longer than its mean inter-spike interval
# plus `allowance` steps retracts its earlier spikes.
conversion = dict(method='spicalib', threshold='percentile', percentile=99.9,
                  channel_wise=True, reset='subtract', v_init=0.5,
                  allowance=32)
schedule = dict(type='plain')
