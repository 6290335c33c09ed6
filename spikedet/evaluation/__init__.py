"""Metrics over timesteps and efficiency reports."""
