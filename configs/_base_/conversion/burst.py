# Burst spikes (Li & Zeng, IJCAI 2022): IF neurons that release up to
# `max_spikes` spikes per step, reset by subtraction, with spiking max-pools
# (generalised LIPooling). Burst tolerates clipping, so the thresholds use a
# lower percentile (99 %) than the plain IF baseline; channel-wise.
conversion = dict(method='if', threshold='percentile', percentile=99.0,
                  channel_wise=True, reset='subtract', v_init=0.5,
                  max_spikes=5)
schedule = dict(type='plain')
