"""Run a spikedet tool in a child process, as a user would, with its log
kept in a file."""
import os
import subprocess
import sys
import time
from typing import Optional, Sequence, Tuple


def run_tool(args: Sequence[str], log: str,
             threads: int = 0) -> Tuple[int, float]:
    """Run ``python <args>`` with its output in ``log``.

    Args:
        args: The tool and its arguments (``['tools/test.py', ...]``).
        log: The log file (its folder is created).
        threads: Intra-op threads of the child (``OMP_NUM_THREADS``);
            0 keeps torch's default.

    Returns:
        The exit status and the wall time in seconds.
    """
    os.makedirs(os.path.dirname(log) or '.', exist_ok=True)
    env = dict(os.environ)
    if threads:
        env['OMP_NUM_THREADS'] = str(threads)
    start = time.perf_counter()
    with open(log, 'w') as out:
        proc = subprocess.run([sys.executable, *args], stdout=out,
                              stderr=subprocess.STDOUT, env=env)
    return proc.returncode, time.perf_counter() - start


def user_error(log: str) -> Optional[str]:
    """The one-line reason a tool gave for refusing (its last line,
    ``error: ...``), or None when it crashed without one."""
    with open(log) as f:
        lines = [ln for ln in f.read().splitlines() if ln.strip()]
    if lines and lines[-1].startswith('error: '):
        return lines[-1][len('error: '):]
    return None
