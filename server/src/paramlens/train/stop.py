"""Stopping a run between steps, so that its last checkpoint is exact.

SIGTERM and the first Ctrl-C (SIGINT) only set a flag that the loop checks after each step;
a second Ctrl-C raises KeyboardInterrupt at once. Handlers are installed only in the main
thread (Python delivers signals nowhere else). The flag also says how the run's end is to be
recorded, so that the status is decided once, by whoever asked first, and run.json goes
straight from `running` to it: a reader never sees a status that is rewritten a moment later.
"""

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from paramlens.runs.manifest import Status


@dataclass
class StopFlag:
    """Set (from a signal handler or another thread) to stop after the current step."""

    requested: bool = False
    reason: str = ""
    status: Status = "cancelled"  # what run.json records once the run has stopped
    error: str | None = None

    def request(self, reason: str, status: Status = "cancelled", error: str | None = None) -> None:
        if self.requested:
            return  # the first request decides how the run ends
        self.status, self.error, self.reason = status, error, reason
        self.requested = True


@contextmanager
def stop_on_signals(flag: StopFlag) -> Iterator[None]:
    """Set `flag` on SIGTERM or SIGINT while the block runs; restore the old handlers after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: FrameType | None) -> None:
        flag.request("SIGTERM")

    def on_int(signum: int, frame: FrameType | None) -> None:
        if flag.requested:
            raise KeyboardInterrupt
        flag.request("SIGINT")
        print(
            "\nparamlens: stopping after this step and saving a checkpoint "
            "(Ctrl-C again to abort without one)",
            file=sys.stderr,
        )

    previous_term = signal.signal(signal.SIGTERM, on_term)
    previous_int = signal.signal(signal.SIGINT, on_int)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)
