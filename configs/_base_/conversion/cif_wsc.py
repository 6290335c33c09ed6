# CASC: consistent IF neurons on a clip-floor (quantization-aware) ANN, run
# with wake-sleep: a sleep phase of `sleep` steps (zero input, zero biases)
# after every `margin` wake steps. Classification defaults of the authors'
# code: T = 8, margin = 8, sleep = 56.
conversion = dict(method='cif_wsc')
schedule = dict(type='wake_sleep', margin=8, sleep=56)
