"""`components.safetensors`: the finished decomposition, readable without the training code.

Tensors: `components.<module path>.V` [d_in, C] and `components.<module path>.U` [C, d_out]
(W [d_out, d_in] ≈ (V @ U)ᵀ = Σ_c outer(U[c], V[:, c])), and `ci_fn.<parameter name>` for
the CI function's weights. Metadata (strings): see `ComponentsFile` and docs/formats.md.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from paramlens.decomp.component_model import ComponentModel
from paramlens.runs.manifest import FORMAT_VERSION, ModuleRecord
from paramlens.runs.tensor_files import load_tensors, save_tensors, take, with_prefix

WEIGHT_LAYOUT = "W[d_out, d_in] = (V @ U)^T + Delta; V [d_in, C], U [C, d_out]"


@dataclass(frozen=True)
class ComponentsFile:
    """What components.safetensors holds; U, V and ci_fn are keyed as in the file, sans prefix."""

    U: dict[str, Tensor]  # module path -> [C, d_out]
    V: dict[str, Tensor]  # module path -> [d_in, C]
    ci_fn: dict[str, Tensor]  # CI-function state_dict
    modules: tuple[ModuleRecord, ...]
    ci_function: dict[str, Any]  # the config's ci_function section
    run_id: str
    step: int


def component_tensors(model: ComponentModel) -> dict[str, Tensor]:
    """`<path>.V` and `<path>.U` for every decomposed module (live references)."""
    tensors: dict[str, Tensor] = {}
    for path, components in model.components_by_path.items():
        tensors[f"{path}.V"] = components.V.detach()
        tensors[f"{path}.U"] = components.U.detach()
    return tensors


def restore_weights(
    model: ComponentModel, ci_fn: nn.Module, tensors: dict[str, Tensor], source: Path
) -> None:
    """Copy `components.*` and `ci_fn.*` tensors (as in components.safetensors and
    checkpoints) into `model` and `ci_fn`; every name and shape must match."""
    saved = take(tensors, "components.")
    # A module that shares another's subcomponents is saved for readers, restored through it.
    shared = {f"{path}.{factor}" for path in model.transposes for factor in "VU"}
    with torch.no_grad():
        for name, tensor in component_tensors(model).items():
            if name in shared:
                continue
            if name not in saved or saved[name].shape != tensor.shape:
                found = None if name not in saved else tuple(saved[name].shape)
                raise ValueError(
                    f"{source}: components {name!r} has shape {found}; "
                    f"expected {tuple(tensor.shape)}"
                )
            tensor.copy_(saved[name])
    ci_fn.load_state_dict(take(tensors, "ci_fn."))


def save_components(
    path: Path,
    model: ComponentModel,
    ci_fn: nn.Module,
    modules: tuple[ModuleRecord, ...],
    ci_function: dict[str, Any],
    run_id: str,
    step: int,
) -> None:
    tensors = with_prefix("components.", component_tensors(model))
    tensors |= with_prefix("ci_fn.", ci_fn.state_dict())
    metadata = {
        "format_version": str(FORMAT_VERSION),
        "run_id": run_id,
        "step": str(step),
        "modules": json.dumps([vars(module) for module in modules]),
        "ci_function": json.dumps(ci_function),
        "weight_layout": WEIGHT_LAYOUT,
    }
    save_tensors(path, tensors, metadata)


def load_components(path: Path) -> ComponentsFile:
    tensors, metadata = load_tensors(path)
    if metadata.get("format_version") != str(FORMAT_VERSION):
        raise ValueError(
            f"{path}: format_version {metadata.get('format_version')!r}; expected {FORMAT_VERSION}"
        )
    components = take(tensors, "components.")
    modules = tuple(ModuleRecord(**record) for record in json.loads(metadata["modules"]))
    return ComponentsFile(
        U={m.path: components[f"{m.path}.U"] for m in modules},
        V={m.path: components[f"{m.path}.V"] for m in modules},
        ci_fn=take(tensors, "ci_fn."),
        modules=modules,
        ci_function=json.loads(metadata["ci_function"]),
        run_id=metadata["run_id"],
        step=int(metadata["step"]),
    )
