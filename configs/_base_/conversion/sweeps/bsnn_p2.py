# BSNN with P = 2 steps per phase (the default is 4; the phase-coded
# reading, so a fire phase sends 2 bits). Compare: python tools/compare.py
# --models resnet18 --methods bsnn THIS_FILE --out work_dirs/bsnn_sweep.md
conversion = dict(method='bsnn', phase=2)
