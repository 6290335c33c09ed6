# BSNN with P = 2 steps per phase (the preset has P = 4), for the phase
# sweep the spec asks for (algorithms_others.md §1.2): smaller P shortens the
# pipeline latency (depth x P) but coarsens each phase's message.
_base_ = ['../bsnn.py']
conversion = dict(phase=2)
