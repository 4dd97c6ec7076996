"""Open the server's listening socket before uvicorn starts, so the printed URL is already live."""

import ipaddress
import os
import socket
from typing import Any

# Connections that arrive before uvicorn accepts them wait in this queue instead of failing.
_BACKLOG = 128

SocketAddress = tuple[Any, ...]


def resolve_listen_address(host: str, port: int) -> tuple[socket.AddressFamily, SocketAddress]:
    """The address family and socket address to bind for `host` and `port` (0: any free port).

    Raises `socket.gaierror` when `host` cannot be resolved.
    """
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    return family, address


def is_loopback(address: SocketAddress) -> bool:
    return ipaddress.ip_address(address[0]).is_loopback


def open_listening_socket(family: socket.AddressFamily, address: SocketAddress) -> socket.socket:
    """A socket bound to `address` and already listening. Raises `OSError` if it cannot bind."""
    sock = socket.socket(family, socket.SOCK_STREAM)
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


def url_of(sock: socket.socket) -> str:
    """The `http://host:port` URL of a bound socket, with the port the OS picked."""
    host, port = sock.getsockname()[:2]
    if sock.family == socket.AF_INET6:
        host = f"[{host}]"
    return f"http://{host}:{port}"
