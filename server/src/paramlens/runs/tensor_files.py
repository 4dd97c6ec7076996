"""Safetensors files written atomically, with string metadata beside the tensors."""

from collections.abc import Mapping
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file
from torch import Tensor

from paramlens.runs.atomic import atomic_write


def save_tensors(path: Path, tensors: Mapping[str, Tensor], metadata: Mapping[str, str]) -> None:
    """Write `tensors` (moved to the CPU) and `metadata` to `path` atomically."""
    on_cpu = {name: tensor.detach().to("cpu").contiguous() for name, tensor in tensors.items()}
    atomic_write(path, lambda tmp: save_file(on_cpu, str(tmp), metadata=dict(metadata)))


def load_tensors(path: Path) -> tuple[dict[str, Tensor], dict[str, str]]:
    """The tensors (on the CPU) and metadata of a safetensors file."""
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    tensors: dict[str, Tensor] = {}
    with safe_open(str(path), framework="pt", device="cpu") as f:
        metadata: dict[str, str] = f.metadata() or {}
        for name in f.keys():  # noqa: SIM118 (safe_open is not a mapping)
            tensors[name] = f.get_tensor(name)
    return tensors, metadata


def take(tensors: Mapping[str, Tensor], prefix: str) -> dict[str, Tensor]:
    """The tensors whose names start with `prefix`, with the prefix removed."""
    return {name[len(prefix) :]: t for name, t in tensors.items() if name.startswith(prefix)}


def with_prefix(prefix: str, tensors: Mapping[str, Tensor]) -> dict[str, Tensor]:
    return {f"{prefix}{name}": tensor for name, tensor in tensors.items()}


def scalar(value: int) -> Tensor:
    """An int64 scalar tensor, for integers stored beside the tensors."""
    return torch.tensor(value, dtype=torch.int64)
