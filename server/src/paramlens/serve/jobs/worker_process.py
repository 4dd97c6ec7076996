"""One worker process, started and watched from the server's event loop."""

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable

_CHUNK = 65536
# Characters kept of one output line: enough for a JSON report (`eval --json` of a model with
# hundreds of modules) on one line, while a runaway line still cannot flood the event log.
_MAX_LINE = 65_536


def describe_exit(code: int) -> str:
    """`exited with code 1`, `was killed by SIGKILL`, … (a negative code is a signal)."""
    if code >= 0:
        return f"exited with code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    return f"was killed by {name}"


class WorkerProcess:
    """A command whose stdout and stderr arrive, line by line, at `on_line`.

    Its stdin is a pipe that stays open while the server lives: closing it tells the worker
    that the server went away. It runs in a session of its own, so a Ctrl-C meant for the
    server's terminal does not reach it.
    """

    def __init__(self, process: asyncio.subprocess.Process, on_line: Callable[[str], None]) -> None:
        self._process = process
        self._on_line = on_line
        self._pump = asyncio.ensure_future(self._read_lines())

    @classmethod
    async def start(cls, argv: list[str], on_line: Callable[[str], None]) -> "WorkerProcess":
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=sys.platform != "win32",
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        return cls(process, on_line)

    @property
    def pid(self) -> int:
        return self._process.pid

    async def wait(self) -> int:
        """The exit code once the process has ended and all its output was passed on."""
        code = await self._process.wait()
        await self._pump
        return code

    def terminate(self) -> None:
        self._signal(self._process.terminate)

    def kill(self) -> None:
        self._signal(self._process.kill)

    def close_stdin(self) -> None:
        stdin = self._process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()

    def _signal(self, send: Callable[[], None]) -> None:
        if self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):  # it ended in the meantime
                send()

    async def _read_lines(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        pending = b""
        while chunk := await stdout.read(_CHUNK):
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                self._emit(line)
            if len(pending) > _MAX_LINE * 4:
                self._emit(pending)
                pending = b""
        if pending:
            self._emit(pending)

    def _emit(self, raw: bytes) -> None:
        # Progress bars redraw with carriage returns; the last drawing is the line's content.
        text = raw.decode("utf-8", errors="replace").rstrip("\r").rsplit("\r", 1)[-1]
        if text.strip():
            self._on_line(text[:_MAX_LINE])
