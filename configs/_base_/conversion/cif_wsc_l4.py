# CASC for L = 4 quantization-aware ANNs (*_casc-l4.py): consistent IF
# neurons with a sleep phase after every 4 wake steps, so the read-out at
# T = 4 is settled (the L = 8 preset's first sleep phase comes after 8).
conversion = dict(method='cif_wsc')
schedule = dict(type='wake_sleep', margin=4, sleep=56)
