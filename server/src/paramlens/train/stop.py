"""Stopping a run between steps, so that its last checkpoint is exact.

SIGTERM and the first Ctrl-C (SIGINT) only set a flag that the loop checks after each step;
a second Ctrl-C raises KeyboardInterrupt at once. Handlers are installed only in the main
thread (Python delivers signals nowhere else).
"""

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType


@dataclass
class StopFlag:
    requested: bool = False
    reason: str = ""

    def request(self, reason: str) -> None:
        self.requested = True
        self.reason = reason


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
