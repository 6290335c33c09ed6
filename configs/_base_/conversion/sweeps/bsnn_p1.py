# BSNN with P = 1 step per phase (the default is 4; the phase-coded
# reading, so a fire phase sends 1 bit). Compare: python tools/compare.py
# --models resnet18 --methods bsnn THIS_FILE --out work_dirs/bsnn_sweep.md
conversion = dict(method='bsnn', phase=1)
