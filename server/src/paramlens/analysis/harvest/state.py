"""The resumable state of an unfinished harvest: a hidden safetensors file in the run directory,
rewritten atomically every few batches and removed once harvest.sqlite is written.

Mostly-zero tensors (the token co-occurrence counts) are stored as their nonzero entries.
The state belongs to one set of weights: after the run trains further it no longer applies
and is ignored.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from paramlens.analysis.harvest.accumulate import HarvestAccumulator
from paramlens.analysis.harvest.options import HarvestSettings
from paramlens.runs.tensor_files import load_tensors, save_tensors

STATE_FILE = ".harvest-state.safetensors"
STATE_FORMAT = "1"
_INDEX, _VALUES, _SHAPE = "@index", "@values", "@shape"


@dataclass(frozen=True)
class SavedHarvest:
    settings: HarvestSettings
    step: int  # batches done
    accumulator: HarvestAccumulator


def save_state(
    path: Path,
    identity: dict[str, str],
    settings: HarvestSettings,
    step: int,
    accumulator: HarvestAccumulator,
) -> None:
    tensors: dict[str, Tensor] = {}
    for name, tensor in accumulator.tensors().items():
        tensors |= _packed(name, tensor)
    metadata = {
        "format_version": STATE_FORMAT,
        "identity": json.dumps(identity, sort_keys=True),
        "settings": json.dumps(settings.as_json(), sort_keys=True),
        "step": str(step),
    }
    save_tensors(path, tensors, metadata)


def load_state(path: Path, identity: dict[str, str], device: torch.device) -> SavedHarvest | None:
    """The saved state, or None when there is none or it belongs to other weights."""
    if not path.is_file():
        return None
    packed, metadata = load_tensors(path)
    same_weights = metadata.get("identity") == json.dumps(identity, sort_keys=True)
    if metadata.get("format_version") != STATE_FORMAT or not same_weights:
        return None
    settings = HarvestSettings.from_json(json.loads(metadata["settings"]))
    tensors = _unpacked(packed)
    accumulator = HarvestAccumulator.from_tensors(
        settings.input_kind, settings.ci_threshold, tensors, device
    )
    return SavedHarvest(settings, int(metadata["step"]), accumulator)


def _packed(name: str, tensor: Tensor) -> dict[str, Tensor]:
    tensor = tensor.detach().cpu()
    index = tensor.flatten().nonzero().squeeze(1)
    if len(index) * 2 >= tensor.numel():
        return {name: tensor}
    return {
        name + _INDEX: index,
        name + _VALUES: tensor.flatten()[index],
        name + _SHAPE: torch.tensor(tensor.shape, dtype=torch.int64),
    }


def _unpacked(packed: dict[str, Tensor]) -> dict[str, Tensor]:
    tensors = {name: t for name, t in packed.items() if "@" not in name}
    for name in packed:
        if name.endswith(_SHAPE):
            base = name[: -len(_SHAPE)]
            values = packed[base + _VALUES]
            shape = tuple(packed[name].tolist())
            dense = torch.zeros(shape, dtype=values.dtype).flatten()
            dense[packed[base + _INDEX]] = values
            tensors[base] = dense.view(shape)
    return tensors
