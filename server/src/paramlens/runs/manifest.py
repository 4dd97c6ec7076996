"""`run.json`: the manifest of a run directory, rewritten atomically whenever the run changes."""

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, get_args

from paramlens.runs.atomic import atomic_write_json
from paramlens.runs.layout import RunPaths

FORMAT_VERSION = 1

Status = Literal["queued", "running", "done", "failed", "cancelled", "interrupted"]
STATUSES: frozenset[str] = frozenset(get_args(Status))
# A supervisor marks a run `interrupted` when its process died without saying so.
RESUMABLE: frozenset[str] = frozenset({"interrupted", "cancelled", "failed"})


def utc_now() -> str:
    """The current UTC time as ISO 8601 with a Z, to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ModuleRecord:
    """One decomposed weight matrix: W [d_out, d_in] ≈ (V @ U)ᵀ with C subcomponents."""

    path: str
    kind: str  # linear | conv1d | embedding
    d_in: int
    d_out: int
    C: int


@dataclass(frozen=True)
class Manifest:
    """Everything `run.json` holds; field meanings are in docs/formats.md."""

    run_id: str
    created: str
    updated: str
    status: Status
    step: int
    total_steps: int
    config: dict[str, Any]
    config_file: str
    base_dir: str
    device: str
    paramlens_version: str
    torch_version: str
    target: dict[str, Any] | None = None
    modules: tuple[ModuleRecord, ...] = ()
    summary: dict[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    error: str | None = None
    format_version: int = FORMAT_VERSION

    @property
    def total_C(self) -> int:
        return sum(module.C for module in self.modules)

    def to_json(self) -> dict[str, Any]:
        fields = dataclasses.asdict(self)
        ordered = {"format_version": fields.pop("format_version"), **fields}
        ordered["modules"] = [dataclasses.asdict(module) for module in self.modules]
        ordered["files"] = list(self.files)
        ordered["total_C"] = self.total_C
        return ordered

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Manifest":
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise ValueError(f"run.json has format_version {version!r}; expected {FORMAT_VERSION}")
        if data.get("status") not in STATUSES:
            raise ValueError(f"run.json has an unknown status {data.get('status')!r}")
        known = {f.name for f in dataclasses.fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["modules"] = tuple(ModuleRecord(**module) for module in data.get("modules", ()))
        values["files"] = tuple(data.get("files", ()))
        return cls(**values)


def read_manifest(run_dir: Path) -> Manifest:
    """The manifest of `run_dir`; FileNotFoundError when it is not a run directory."""
    path = RunPaths(run_dir).run_json
    if not path.is_file():
        raise FileNotFoundError(f"{run_dir} is not a run directory: it has no run.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return Manifest.from_json(data)


def write_manifest(run_dir: Path, manifest: Manifest) -> Manifest:
    """Write `manifest` with `updated` set to now and `files` listing the directory; return it."""
    paths = RunPaths(run_dir)
    files = set(paths.files()) | {paths.run_json.name}
    current = dataclasses.replace(manifest, updated=utc_now(), files=tuple(sorted(files)))
    atomic_write_json(paths.run_json, current.to_json())
    return current
