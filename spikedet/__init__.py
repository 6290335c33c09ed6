"""spikedet: ANN-to-SNN conversion for MMDetection detectors and classifiers."""

__version__ = '0.1.0'
