# IF baseline with max-based thresholds (Diehl et al. 2015 / the SNN
# Toolbox's robust-normalisation ablation): the largest calibration
# activation, layer-wise; reset by subtraction, initial membrane theta/2.
conversion = dict(method='if', threshold='max', channel_wise=False,
                  reset='subtract', v_init=0.5)
schedule = dict(type='plain')
