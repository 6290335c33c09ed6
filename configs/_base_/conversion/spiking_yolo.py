# Spiking-YOLO (Kim et al., AAAI 2020): channel-wise data-based
# normalisation (99.9 %) with the signed imbalanced-threshold neuron at
# LeakyReLU sites; reset by subtraction, initial membrane 0 as in the paper.
conversion = dict(method='if', threshold='percentile', percentile=99.9,
                  channel_wise=True, reset='subtract', v_init=0.0)
schedule = dict(type='plain')
