"""Drawing detections per timestep (OpenCV) and accuracy-vs-T curves."""
