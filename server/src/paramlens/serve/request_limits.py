"""Reject request bodies over a size limit, whether declared by Content-Length or streamed."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paramlens.serve.errors import error_response
from paramlens.serve.models import ErrorResponse

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DRAIN_FACTOR = 16


def _too_large(limit: int) -> str:
    return f"request body is larger than the server's limit of {limit} bytes"


class BodySizeLimit:
    """ASGI middleware answering 413 `too_large` for a body over `max_bytes`.

    A declared Content-Length over the limit is refused without passing the body to a route.
    A body up to `DRAIN_FACTOR` times the limit is read and discarded first: a client still
    sending when the answer comes would otherwise see the connection reset instead of the 413.
    Anything larger is answered at once and the connection closed. A chunked body is counted as
    it arrives and refused once it passes the limit, so the route never holds more than
    `max_bytes` of it.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            body = ErrorResponse(error="too_large", message=_too_large(self.max_bytes))
            if int(declared) <= DRAIN_FACTOR * self.max_bytes:
                await _discard_body(receive)
                await error_response(413, body)(scope, receive, send)
            else:
                await error_response(413, body, {"Connection": "close"})(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI passes an HTTPException raised while reading the body on to the
                    # error handlers, which answer with the usual error body.
                    raise HTTPException(413, _too_large(self.max_bytes))
            return message

        await self.app(scope, counting_receive, send)


async def _discard_body(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
