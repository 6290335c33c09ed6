"""The tools' own helpers (``tools/harness``) import as the tools do:
with ``tools/`` on the path."""
import sys
from pathlib import Path

TOOLS = str(Path(__file__).resolve().parents[2] / 'tools')
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)
