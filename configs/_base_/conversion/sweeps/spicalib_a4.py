# Spike Calibration with a fixed allowance A = 4: the former default, whose
# curve falls with T (late-starting neurons are erased).
conversion = dict(method='spicalib', allowance=4)
