"""Wire types of the server API; `protocol/serverApi.generated.ts` is generated from them."""

from typing import Literal

from pydantic import BaseModel, Field

from paramlens.targets.module_listing import ListedModule, ModuleListing, SourceLocation

__all__ = [
    "ConfigProblem",
    "ConfigRequest",
    "DeviceInfo",
    "DeviceStatus",
    "DevicesResponse",
    "ErrorResponse",
    "GraphSummary",
    "GraphsResponse",
    "HealthResponse",
    "ListedModule",
    "ModuleListing",
    "ServerHandshake",
    "SourceLocation",
    "ValidateResponse",
    "VersionResponse",
]

# A config is a few kilobytes; the request body limit bounds it anyway.
MAX_CONFIG_CHARS = 1_000_000
MAX_PATH_CHARS = 4096


class ServerHandshake(BaseModel):
    """The one JSON line `paramlens serve` prints on stdout once it listens."""

    url: str
    token: str
    version: str


class DeviceInfo(BaseModel):
    """A device the server can compute on."""

    name: str = Field(description="`cpu`, `cuda:0`, `cuda:1`, …")
    kind: Literal["cpu", "cuda"] = Field(description="The device type.")
    description: str = Field(description="Human-readable device name, e.g. the GPU model.")
    memory_total_mb: int | None = Field(description="Total memory in MiB; null for the CPU.")


class DeviceStatus(DeviceInfo):
    """A device and how much of its memory is free now."""

    memory_free_mb: int | None = Field(
        description="Memory free on the device now, in MiB; null for the CPU."
    )


class HealthResponse(BaseModel):
    """`GET /health`."""

    status: Literal["ok"] = Field(description="Always `ok`: the server answers.")
    version: str = Field(description="Version of the `paramlens` package.")
    torch_version: str = Field(description="Version of PyTorch.")
    devices: list[DeviceInfo] = Field(description="The CPU, then each CUDA device.")
    cuda_problem: str | None = Field(
        default=None,
        description="Why this machine's NVIDIA GPU cannot be used by the installed PyTorch "
        "(a CPU-only build, a driver too old for the build, a GPU the build has no kernels "
        "for); null when it can, or when there is no NVIDIA GPU.",
    )


class VersionResponse(BaseModel):
    """`GET /version`."""

    version: str = Field(description="Version of the `paramlens` package.")
    torch_version: str = Field(description="Version of PyTorch.")
    python_version: str = Field(description="Version of the Python interpreter.")


class DevicesResponse(BaseModel):
    """`GET /devices`."""

    devices: list[DeviceStatus] = Field(description="The CPU, then each CUDA device.")


class ConfigRequest(BaseModel):
    """A decomposition config as the editor holds it, saved or not."""

    text: str = Field(max_length=MAX_CONFIG_CHARS, description="The YAML text of the config.")
    path: str | None = Field(
        default=None,
        max_length=MAX_PATH_CHARS,
        description="The config's file path on the server's machine; its relative paths "
        "(weights, data) start at the file's folder. Null: the server's working directory.",
    )


class ConfigProblem(BaseModel):
    """One problem in a config, at its key."""

    path: list[str | int] = Field(
        description='Key path from the top of the file, e.g. ["modules", 2, "C"]; empty for '
        "the whole file."
    )
    line: int | None = Field(description="1-based line of the key; null when unknown.")
    column: int | None = Field(description="1-based column of the key; null when unknown.")
    message: str = Field(description="What is wrong and what was expected.")


class ValidateResponse(BaseModel):
    """`POST /validate`: whether the config is valid, and every problem in it."""

    ok: bool = Field(description="True when the config has no errors.")
    format: Literal["native", "reference"] | None = Field(
        description="The config's format; null when it could not be read."
    )
    errors: list[ConfigProblem] = Field(description="Problems that make the config invalid.")
    warnings: list[ConfigProblem] = Field(
        description="Problems that leave it valid but block running it (e.g. a missing file)."
    )
    notes: list[str] = Field(description="Information, e.g. reference keys that were ignored.")


class GraphSummary(BaseModel):
    """One attribution-graph file of a run."""

    id: str = Field(description="Graph ID: the file is `graphs/<id>.graph.json`.")
    prompt: str | None = Field(description="The graphed prompt; null when the file is unreadable.")
    n_nodes: int | None = Field(description="Number of nodes; null when the file is unreadable.")
    n_edges: int | None = Field(description="Number of edges; null when the file is unreadable.")
    created: str = Field(description="When the file was last written (UTC, ISO 8601).")
    error: str | None = Field(description="Why the file cannot be read; null when it can.")


class GraphsResponse(BaseModel):
    """`GET /runs/{run_id}/graphs`."""

    graphs: list[GraphSummary] = Field(description="Newest first.")


class ErrorResponse(BaseModel):
    """Body of every error response. `error` is a stable code for programs, `message` is for
    people, and `error_id` (internal errors only) finds the traceback in the server log."""

    error: str = Field(description="Stable code, e.g. `not_found`, `invalid_config`.")
    message: str | None = Field(default=None, description="What went wrong, for people.")
    error_id: str | None = Field(
        default=None, description="Internal errors only: finds the traceback in the server log."
    )
    problems: list[ConfigProblem] | None = Field(
        default=None, description="`invalid_config` only: every problem in the config."
    )
