"""Which built-in toy target a reference config's TMS or ResidMLP model corresponds to.

Reference configs name the pretrained toy only by a W&B run, so the shape is read from
what the file does say: the identity-CI metric's feature count, the module patterns, and
the file name the reference gives each experiment (`tms_5-2_config.yaml`,
`resid_mlp1_config.yaml`).
"""

import re
from collections.abc import Iterator, Mapping

_TMS_SHAPES = {5: "tms_5-2", 40: "tms_40-10"}
_TMS_NAME = re.compile(r"tms_?(5-2|40-10)")
_RESID_NAME = re.compile(r"resid_?mlp_?([123])")


def tms_target(raw: Mapping[str, object], file_name: str) -> str | None:
    """`tms_5-2`, `tms_40-10-id`, …, or None when the file does not tell."""
    features = set(_identity_feature_counts(raw))
    shape = _TMS_SHAPES.get(features.pop()) if len(features) == 1 else None
    match = _TMS_NAME.search(file_name)
    if shape is None and match is not None:
        shape = f"tms_{match.group(1)}"
    if shape is None:
        return None
    identity = any("hidden_layers" in pattern for pattern in _module_patterns(raw))
    return f"{shape}-id" if identity else shape


def resid_mlp_target(file_name: str) -> str | None:
    """`resid_mlp_1` … `resid_mlp_3`, or None when the file name does not tell."""
    match = _RESID_NAME.search(file_name)
    return None if match is None else f"resid_mlp_{match.group(1)}"


def _module_patterns(raw: Mapping[str, object]) -> Iterator[str]:
    for entry in _list(raw.get("module_info")):
        if isinstance(entry, Mapping):
            yield str(entry.get("module_pattern"))
    for pattern in _list(raw.get("target_module_patterns")):
        yield str(pattern)


def _identity_feature_counts(raw: Mapping[str, object]) -> Iterator[int]:
    """`n_features` of each layer in the IdentityCIError eval metric, which the reference sets
    to the TMS model's feature count."""
    for key in ("eval_metric_configs", "eval_metrics"):
        for metric in _list(raw.get(key)):
            if not isinstance(metric, Mapping) or metric.get("classname") != "IdentityCIError":
                continue
            settings = metric.get("extra_init_kwargs", metric)
            if not isinstance(settings, Mapping):
                continue
            for layer in _list(settings.get("identity_ci")):
                if isinstance(layer, Mapping) and isinstance(layer.get("n_features"), int):
                    yield layer["n_features"]


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
