"""Which code produced a measurement: the day and the git commit."""
import datetime
import subprocess
from typing import Optional


def _git(*args: str, cwd: Optional[str] = None) -> Optional[str]:
    try:
        out = subprocess.run(['git', *args], cwd=cwd, capture_output=True,
                             text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def measured_on(cwd: Optional[str] = None) -> str:
    """``'2026-12-07, commit 1a2b3c4'`` (UTC day), with ``' + uncommitted
    changes'`` when the tracked files differ from the commit, or ``'(no
    git checkout)'`` outside a repository."""
    day = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    commit = _git('rev-parse', '--short', 'HEAD', cwd=cwd)
    if not commit:
        return f'{day} (no git checkout)'
    dirty = _git('status', '--porcelain', '--untracked-files=no', cwd=cwd)
    return f'{day}, commit {commit}' + (' + uncommitted changes'
                                        if dirty else '')
