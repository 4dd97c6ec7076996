"""Open the server's listening socket before uvicorn starts, so the printed URL is already live.

Only the standard library is imported here, so `paramlens serve` refuses a bad address at once,
before it spends seconds importing torch.
"""

import ipaddress
import os
import socket
from typing import Any

# Connections that arrive before uvicorn accepts them wait in this queue instead of failing.
_BACKLOG = 128


class CannotListen(Exception):
    """The server cannot, or must not, listen where it was asked to."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _resolve(host: str, port: int) -> tuple[socket.AddressFamily, tuple[Any, ...]]:
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    return family, address


def _bind_and_listen(family: socket.AddressFamily, address: tuple[Any, ...]) -> socket.socket:
    # IPPROTO_TCP named explicitly: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    # connections whose socket says so, and with it on, every response whose headers and body
    # go out as two writes waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        # Lets a restarted server reuse its port while old connections linger in TIME_WAIT; on
        # Windows the option would instead let two servers share a port.
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(_BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def listen(host: str, port: int, *, token_given: bool) -> socket.socket:
    """A socket listening on `host`:`port` (port 0: one the OS picks).

    Raises `CannotListen` when `host` does not resolve, when it is not a loopback address and
    no token was chosen (a random token printed on stdout is no protection on a network), or
    when the address cannot be bound.
    """
    try:
        family, address = _resolve(host, port)
    except socket.gaierror as error:
        raise CannotListen(f"cannot resolve --host {host}: {error.strerror}", 2) from error
    if not token_given and not ipaddress.ip_address(address[0]).is_loopback:
        raise CannotListen(
            f"refusing to listen on {host} without --token; pass --token (or set "
            "PARAMLENS_TOKEN) or listen on 127.0.0.1",
            2,
        )
    try:
        return _bind_and_listen(family, address)
    except OSError as error:
        raise CannotListen(f"cannot listen on {host}:{port}: {error.strerror}", 1) from error


def url_of(sock: socket.socket) -> str:
    """The `http://host:port` URL of a bound socket, with the port the OS picked."""
    host, port = sock.getsockname()[:2]
    if sock.family == socket.AF_INET6:
        host = f"[{host}]"
    return f"http://{host}:{port}"
