"""Spiking detectors and classifiers (mmdet glue)."""
