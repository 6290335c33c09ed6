# IF baseline with channel-wise thresholds (Spiking-YOLO's normalisation).
conversion = dict(method='if', threshold='percentile', percentile=99.9,
                  channel_wise=True, reset='subtract', v_init=0.5)
schedule = dict(type='plain')
