"""Start `paramlens serve` as a real subprocess and read its handshake line."""

import json
import os
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Generous, because the first import of torch on a busy machine takes seconds.
HANDSHAKE_TIMEOUT_S = 60


@dataclass(frozen=True)
class ServerProcess:
    process: "subprocess.Popen[str]"
    url: str
    token: str
    version: str


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "paramlens", "serve", *args]


def environment_without_token() -> dict[str, str]:
    """The test's environment, minus a token the developer may have exported."""
    return {name: value for name, value in os.environ.items() if name != "PARAMLENS_TOKEN"}


def start_server(*args: str, stderr: IO[str], cwd: Path) -> ServerProcess:
    """Start the server on a free loopback port and wait for its handshake line."""
    process = subprocess.Popen(
        serve_command("--port", "0", *args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        cwd=cwd,
        env=environment_without_token(),
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], HANDSHAKE_TIMEOUT_S)
    if not ready:
        process.kill()
        raise TimeoutError(f"no handshake line within {HANDSHAKE_TIMEOUT_S} s")
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"server exited with {process.wait()} before its handshake line")
    handshake = json.loads(line)
    assert set(handshake) == {"url", "token", "version"}
    return ServerProcess(process, handshake["url"], handshake["token"], handshake["version"])


def stop_server(server: ServerProcess) -> None:
    server.process.terminate()
    server.process.communicate(timeout=HANDSHAKE_TIMEOUT_S)
