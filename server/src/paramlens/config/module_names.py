"""Module names of a target known without building it, for counting C at validation time."""

import json
from pathlib import Path

from paramlens.config.counts import layered_module_names
from paramlens.config.model import DecompositionConfig

# The reference implementation's toy models, whose names the built-in toys keep so that
# reference configs (`linear1`, `layers.*.mlp_in`) work on them unchanged.
_TMS = ("linear1", "linear2")
_TMS_ID = (*_TMS, "hidden_layers.0")


def _resid_mlp(n_layers: int) -> tuple[str, ...]:
    return tuple(f"layers.{i}.{name}" for i in range(n_layers) for name in ("mlp_in", "mlp_out"))


BUILTIN_MODULE_NAMES: dict[str, tuple[str, ...]] = {
    "tms_5-2": _TMS,
    "tms_40-10": _TMS,
    "tms_5-2-id": _TMS_ID,
    "tms_40-10-id": _TMS_ID,
    "resid_mlp_1": _resid_mlp(1),
    "resid_mlp_2": _resid_mlp(2),
    "resid_mlp_3": _resid_mlp(3),
}

# Keys Hugging Face configs use for the number of transformer blocks.
_LAYER_KEYS = ("num_hidden_layers", "n_layer", "n_layers", "num_layers")


def known_module_names(
    config: DecompositionConfig, base_dir: Path, n_layers: int | None = None
) -> tuple[tuple[str, ...], bool] | None:
    """(names, exact) for the config's target, or None when they cannot be known yet.

    `exact` is True for the built-in toys, whose full module list is known, so a pattern
    matching none of them is an error. Otherwise the names are what the patterns would match
    in `n_layers` blocks (given, or read from a Hugging Face config.json).
    """
    target = config.target
    if target.builtin in BUILTIN_MODULE_NAMES:
        return BUILTIN_MODULE_NAMES[target.builtin], True
    if n_layers is None and target.huggingface is not None:
        n_layers = _huggingface_layers(base_dir / target.huggingface.path)
    if n_layers is None:
        return None
    names = layered_module_names((m.pattern for m in config.modules), n_layers)
    return None if names is None else (names, False)


def _huggingface_layers(directory: Path) -> int | None:
    try:
        settings = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # A missing or unreadable model directory is reported by the path check.
    if not isinstance(settings, dict):
        return None
    for key in _LAYER_KEYS:
        value = settings.get(key)
        if isinstance(value, int) and value > 0:
            return value
    return None
