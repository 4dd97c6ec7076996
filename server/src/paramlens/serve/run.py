"""Run the server: listen, print the handshake line, then serve until told to stop."""

import logging
import secrets
import socket
import sys
from pathlib import Path

import uvicorn

from paramlens import __version__
from paramlens.serve.app import create_app
from paramlens.serve.listen import (
    is_loopback,
    open_listening_socket,
    resolve_listen_address,
    url_of,
)
from paramlens.serve.logging_config import LOG_CONFIG
from paramlens.serve.models import ServerHandshake
from paramlens.serve.stdin_watchdog import call_on_stdin_eof

logger = logging.getLogger(__name__)

# Long enough for responses in flight, short enough that open event streams don't hold up exit.
_GRACEFUL_SHUTDOWN_S = 3


def _refuse(message: str, exit_code: int) -> int:
    print(f"paramlens serve: {message}", file=sys.stderr, flush=True)
    return exit_code


def run_server(
    *, host: str, port: int, token: str | None, runs_root: Path, exit_on_stdin_close: bool
) -> int:
    """Serve until SIGINT/SIGTERM (or stdin EOF with `exit_on_stdin_close`); the exit code."""
    try:
        family, address = resolve_listen_address(host, port)
    except socket.gaierror as error:
        return _refuse(f"cannot resolve --host {host}: {error.strerror}", 2)
    if token is None and not is_loopback(address):
        return _refuse(
            f"refusing to listen on {host} without --token; pass --token (or set "
            "PARAMLENS_TOKEN) or listen on 127.0.0.1",
            2,
        )
    try:
        sock = open_listening_socket(family, address)
    except OSError as error:
        return _refuse(f"cannot listen on {host}:{port}: {error.strerror}", 1)

    token = token or secrets.token_urlsafe(32)
    config = uvicorn.Config(
        create_app(token, runs_root.resolve()),
        log_config=LOG_CONFIG,
        timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_S,
        server_header=False,
    )
    server = uvicorn.Server(config)
    if exit_on_stdin_close:

        def request_exit() -> None:
            server.should_exit = True

        call_on_stdin_eof(request_exit)

    handshake = ServerHandshake(url=url_of(sock), token=token, version=__version__)
    print(handshake.model_dump_json(), flush=True)
    logger.info("runs root: %s", runs_root.resolve())
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn re-raises the SIGINT it shut down for; the shutdown is already done.
        return 130
    return 0
