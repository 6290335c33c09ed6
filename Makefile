# spikedet: the two commands of the README.
#   make demo   set up .venv if needed, then run the demo on the embedded data
#   make test   set up .venv if needed, then run the test suite
PY := .venv/bin/python

.PHONY: setup demo test data clean-data

setup:
	@bash tools/setup_env.sh

demo: setup
	$(PY) tools/demo.py

test: setup
	$(PY) -m pytest -q tests

data: setup
	$(PY) tools/dataset/generate_shapes.py

clean-data:
	rm -rf data/shapes
