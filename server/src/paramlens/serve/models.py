"""Wire types of the server API; mirrored by `protocol/serverApi.ts`."""

from typing import Literal

from pydantic import BaseModel


class ServerHandshake(BaseModel):
    """The one JSON line `paramlens serve` prints on stdout once it listens."""

    url: str
    token: str
    version: str


class DeviceInfo(BaseModel):
    """A device the server can compute on."""

    name: str
    kind: Literal["cpu", "cuda"]
    description: str
    memory_total_mb: int | None


class HealthResponse(BaseModel):
    """`GET /health`."""

    status: Literal["ok"]
    version: str
    torch_version: str
    devices: list[DeviceInfo]


class ErrorResponse(BaseModel):
    """Body of every error response. `error` is a stable code for programs, `message` is for
    people, and `error_id` (internal errors only) finds the traceback in the server log."""

    error: str
    message: str | None = None
    error_id: str | None = None
