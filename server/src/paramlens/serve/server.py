"""Run the server on a listening socket: print the handshake line, then serve until told to stop."""

import logging
import secrets
import socket
from pathlib import Path

import uvicorn

from paramlens import __version__
from paramlens.serve.app import create_app
from paramlens.serve.jobs.settings import JobSettings
from paramlens.serve.listen import url_of
from paramlens.serve.logging_config import LOG_CONFIG
from paramlens.serve.models import ServerHandshake
from paramlens.serve.request_limits import DEFAULT_MAX_BODY_BYTES
from paramlens.serve.stdin_watchdog import call_on_stdin_eof

logger = logging.getLogger(__name__)

# Long enough for responses in flight, short enough that open event streams don't hold up exit.
_GRACEFUL_SHUTDOWN_S = 3


def run_server(
    sock: socket.socket,
    *,
    token: str | None,
    runs_root: Path,
    exit_on_stdin_close: bool,
    job_settings: JobSettings | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> int:
    """Serve on `sock` until SIGINT/SIGTERM (or stdin EOF with `exit_on_stdin_close`).

    A random token is made when `token` is None. Returns the process exit code.
    """
    token = token or secrets.token_urlsafe(32)
    runs_root = runs_root.resolve()
    config = uvicorn.Config(
        create_app(token, runs_root, max_body_bytes, job_settings=job_settings),
        log_config=LOG_CONFIG,
        timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_S,
        server_header=False,
    )
    server = uvicorn.Server(config)
    if exit_on_stdin_close:

        def request_exit() -> None:
            server.should_exit = True

        call_on_stdin_eof(request_exit)

    # The socket already listens, so the URL answers as soon as the extension reads it.
    handshake = ServerHandshake(url=url_of(sock), token=token, version=__version__)
    print(handshake.model_dump_json(), flush=True)
    logger.info("runs root: %s", runs_root)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn re-raises the SIGINT it shut down for; the shutdown itself is done.
        return 130
    return 0
