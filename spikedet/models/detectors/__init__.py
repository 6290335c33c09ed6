"""Spiking wrappers of mmdet detectors."""
from .spiking_detector import SpikingDetector
from .stages import BoxStage, DenseStage, ProposalStage

__all__ = ['SpikingDetector', 'BoxStage', 'DenseStage', 'ProposalStage']
