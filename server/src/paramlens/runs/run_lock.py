"""The lock a process holds on a run directory while it trains the run.

A supervisor that finds a run marked `running` learns from it whether some process is still
training it (the lock is held) or whether that process died (the lock is free: the operating
system releases it with the process, however the process ended).
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"  # dot-named, so that it is not listed among the run's files


class RunLocked(Exception):
    """Another process is training the run."""


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _open(run_dir: Path) -> int:
    return os.open(run_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)


@contextmanager
def run_lock(run_dir: Path) -> Iterator[None]:
    """Hold the lock of `run_dir` while the block runs; RunLocked when another process has it."""
    fd = _open(run_dir)
    try:
        if not _try_lock(fd):
            raise RunLocked(f"{run_dir} is being trained by another process")
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def is_run_locked(run_dir: Path) -> bool:
    """Whether some process holds the lock of `run_dir` now."""
    if not (run_dir / LOCK_FILE).is_file():
        return False
    fd = _open(run_dir)
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)
