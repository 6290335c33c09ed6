"""The repository's experiment harness, for ``tools/demo.py`` and
``tools/compare.py``: the committed models (:mod:`.model_zoo`), the demo's
conversions and the comparison's runs, each a run of a ``tools/*.py``
script in a child process.

It names ``configs/``, ``data/checkpoints/`` and ``tools/`` by their paths
in a checkout and runs from the repository root, so it is not part of the
installed ``spikedet`` package: everything a ``pip install`` user needs
lives there.
"""
