# IF baseline with reset to zero (the surplus above the threshold is lost):
# channel-wise 99.9 % thresholds, initial membrane theta/2; the signed
# neurons of LeakyReLU sites reset to zero too.
conversion = dict(method='if', threshold='percentile', percentile=99.9,
                  channel_wise=True, reset='zero', v_init=0.5)
schedule = dict(type='plain')
