"""Trained built-in targets on disk: `model.safetensors` plus `target.json` in one directory.

`target.json` is written last, so its presence marks a complete directory. Both files are
written atomically (temporary file, fsync, rename): a crash never leaves a torn file.
"""

import json
import os
from pathlib import Path
from typing import Any

from safetensors.torch import load_model, save_model
from torch import nn

from paramlens.runs.atomic import atomic_write, atomic_write_bytes

CACHE_ENV = "PARAMLENS_CACHE"
MODEL_FILE = "model.safetensors"
RECORD_FILE = "target.json"
FORMAT_VERSION = 1


def cache_root() -> Path:
    """`$PARAMLENS_CACHE`, else `~/.cache/paramlens`."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path.home() / ".cache" / "paramlens"


def builtin_dir(name: str, seed: int, root: Path | None = None) -> Path:
    """Where built-in `name` trained with `seed` is cached: `<root>/targets/<name>/seed-<seed>`."""
    return (cache_root() if root is None else root) / "targets" / name / f"seed-{seed}"


def save_target(directory: Path, model: nn.Module, record: dict[str, Any]) -> None:
    """Write both files atomically, under unique temporary names: two processes that train
    the same target at once (parallel test workers, two runs) each leave a whole file."""
    # save_model (not save_file) stores tied weights once and restores the tie on load.
    atomic_write(directory / MODEL_FILE, lambda tmp: save_model(model, str(tmp)))
    text = json.dumps({"format_version": FORMAT_VERSION, **record}, indent=2) + "\n"
    atomic_write_bytes(directory / RECORD_FILE, text.encode("utf-8"))


def read_record(directory: Path) -> dict[str, Any] | None:
    """The directory's `target.json`, or None when absent or from another format version."""
    path = directory / RECORD_FILE
    if not path.is_file() or not (directory / MODEL_FILE).is_file():
        return None
    record: dict[str, Any] = json.loads(path.read_text())
    return record if record.get("format_version") == FORMAT_VERSION else None


def load_weights(model: nn.Module, path: Path) -> None:
    """Load a safetensors file into `model`; every tensor must match by name and shape."""
    if not path.is_file():
        raise FileNotFoundError(f"weights file not found: {path}")
    missing, unexpected = load_model(model, str(path), strict=False)
    if missing or unexpected:
        raise ValueError(
            f"{path} does not match the model: "
            f"missing {sorted(missing)}, unexpected {sorted(unexpected)}"
        )
