"""The listening socket: connections accepted on it send small responses without delay."""

import asyncio
import socket

from paramlens.serve.listen import listen


def test_accepted_connections_have_nagles_algorithm_off() -> None:
    """With Nagle's algorithm on, a response written as headers then body waits for the
    client's delayed ACK (~40 ms on Linux) before its body goes out."""

    async def accept_one() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(
            on_connection, sock=listen("127.0.0.1", 0, token_given=False)
        )
        host, port = server.sockets[0].getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        try:
            return await asyncio.wait_for(accepted, 10)
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    assert asyncio.run(accept_one()) != 0
