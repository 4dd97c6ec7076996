"""Notice when stdin closes. A parent that dies closes its end of the pipe, so this is how a
server started by the extension learns that it has been orphaned."""

import logging
import os
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

_STDIN_FD = 0


def call_on_stdin_eof(on_eof: Callable[[], None]) -> None:
    """Call `on_eof` from a daemon thread once stdin reaches end of file (or cannot be read)."""

    def wait_for_eof() -> None:
        try:
            while os.read(_STDIN_FD, 4096):
                pass
        except OSError:
            pass  # A closed or missing stdin counts as end of file.
        logger.info("stdin closed; shutting down")
        on_eof()

    threading.Thread(target=wait_for_eof, name="stdin-watchdog", daemon=True).start()
