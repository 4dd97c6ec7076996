"""Bearer-token check that guards every route of the server."""

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Receive, Scope, Send

from paramlens.serve.errors import error_response
from paramlens.serve.models import ErrorResponse

UNAUTHORIZED_MESSAGE = "missing or invalid bearer token"

# `auto_error=False` so that a missing header gets the same 401 as a wrong token; the
# scheme object also documents the auth in the OpenAPI document.
_bearer_scheme = HTTPBearer(
    auto_error=False, description="The token from the `paramlens serve` handshake line."
)


def bearer_token_guard(
    expected_token: str,
) -> Callable[[HTTPAuthorizationCredentials | None], None]:
    """A dependency that rejects any request whose bearer token is not `expected_token`."""
    expected = expected_token.encode()

    def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
    ) -> None:
        # compare_digest takes as long for a near miss as for a wild guess.
        if credentials is None or not secrets.compare_digest(
            credentials.credentials.encode(), expected
        ):
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail=UNAUTHORIZED_MESSAGE,
                headers={"WWW-Authenticate": "Bearer"},
            )

    return require_token


class TokenGate:
    """ASGI middleware that answers 401 to any request without the bearer token.

    It runs before routing and before the body is read, so an unauthenticated client learns
    nothing (not even which paths exist) and cannot make the server parse anything. The route
    dependency above still guards each route and puts the requirement in the OpenAPI document.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._authorized(scope):
            body = ErrorResponse(error="unauthorized", message=UNAUTHORIZED_MESSAGE)
            response = error_response(401, body, {"WWW-Authenticate": "Bearer"})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        header = dict(scope["headers"]).get(b"authorization", b"")
        scheme, _, credentials = header.partition(b" ")
        return scheme.lower() == b"bearer" and secrets.compare_digest(
            credentials.strip(), self.expected
        )
