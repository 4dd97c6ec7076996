"""Bearer-token check that guards every route of the server."""

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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
                detail="missing or invalid bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return require_token
