"""The defaults `method` stands for, and how they combine with what a file says.

A preset is a partial config holding the paper settings of its method. The file is merged
onto it: mappings merge key by key, and anything else the file gives (a number, a list,
null) replaces the preset's value, so an explicit value always wins and `null` turns off a
loss the preset turns on. A mapping whose `type` differs from the preset's replaces it whole,
since the preset's keys belong to the other type. `output_loss` defaults from the target:
`mse` for the toy targets, `kl` for language models.
"""

from collections.abc import Mapping
from typing import Final

from paramlens.config.sections.target import TOY_TARGETS

Preset = Mapping[str, object]

# SPD paper, TMS 5-2 (spec §4 "SPD total"; reference tms_5-2_config.yaml).
SPD: Final[Preset] = {
    "ci_function": {"type": "mlp"},
    "losses": {
        "faithfulness": {"coeff": 1.0},
        "importance_minimality": {"coeff": 3e-3, "p_start": 1.0, "p_final": 1.0, "beta": 0.0},
        "stochastic_recon": {"coeff": 1.0, "routing": "all"},
        "stochastic_recon_layerwise": {"coeff": 1.0},
        "ppgd_recon": None,
    },
    "training": {
        "steps": 10_000,
        "batch_size": 4096,
        "lr": 1e-3,
        "lr_schedule": {"kind": "cosine", "warmup_frac": 0.0, "final_frac": 0.0},
        "grad_clip_components": None,
        "faithfulness_warmup": {"steps": 200, "lr": 0.01, "weight_decay": 0.1},
        "autocast_bf16": False,
    },
    "logging": {"eval_batch_size": 4096},
}

# VPD paper, the 4-layer Pile run (spec §4 "Total (VPD)", §5, §6).
VPD: Final[Preset] = {
    "ci_function": {"type": "global_transformer"},
    "losses": {
        "faithfulness": {"coeff": 1e7},
        "importance_minimality": {"coeff": 2e-4, "p_start": 2.0, "p_final": 0.4, "beta": 0.5},
        "stochastic_recon": {"coeff": 0.5, "routing": "uniform_k_subset"},
        "stochastic_recon_layerwise": None,
        "ppgd_recon": {"coeff": 0.5, "routing": "all"},
    },
    "training": {
        "steps": 400_000,
        "batch_size": 64,
        "lr": 5e-5,
        "lr_schedule": {"kind": "cosine", "warmup_frac": 0.0, "final_frac": 0.1},
        "grad_clip_components": 0.01,
        "faithfulness_warmup": {"steps": 400, "lr": 1e-3, "weight_decay": 0.0},
        "autocast_bf16": True,
    },
    "logging": {"eval_batch_size": 128},
}

PRESETS: Final[Mapping[str, Preset]] = {"spd": SPD, "vpd": VPD}


def merge(preset: Preset, given: Mapping[str, object]) -> dict[str, object]:
    """`given` merged onto `preset` by the rules in this module's docstring."""
    merged = dict(preset)
    for key, value in given.items():
        base = merged.get(key)
        if isinstance(base, Mapping) and isinstance(value, Mapping) and _same_type(base, value):
            merged[key] = merge(base, value)
        else:
            merged[key] = value
    return merged


def _same_type(base: Mapping[str, object], value: Mapping[str, object]) -> bool:
    return "type" not in value or value["type"] == base.get("type")


def output_loss_for(target: object) -> str | None:
    """The default `output_loss` for a raw `target` mapping; None where none applies."""
    if not isinstance(target, Mapping):
        return None
    if "builtin" in target:
        return "mse" if target["builtin"] in TOY_TARGETS else "kl"
    return "kl" if "huggingface" in target else None


def with_defaults(raw: object) -> object:
    """A raw config with its method's preset and target-based defaults filled in.

    Returns anything that is not a mapping with a known `method` unchanged, for validation
    to reject with a precise message.
    """
    if not isinstance(raw, Mapping):
        return raw
    preset = PRESETS.get(str(raw.get("method")))
    if preset is None:
        return raw
    filled = merge(preset, raw)
    if "output_loss" not in raw:
        default = output_loss_for(raw.get("target"))
        if default is not None:
            filled["output_loss"] = default
    return filled
