"""Translate a config in the reference implementation's format (spec §7) into a native one.

Every key of the file is either translated, ignored with a note (it only configures the
reference's logging), or reported: as an error when it changes the method in a way
ParamLens cannot honour or is unknown, as a warning when it names something to download.
"""

from collections.abc import Mapping
from pathlib import Path

from paramlens.config.reference.ci_function import CI_KEYS, translate_ci_function
from paramlens.config.reference.evaluation import EVALUATION_KEYS, translate_evaluation
from paramlens.config.reference.general import GENERAL_KEYS, translate_general
from paramlens.config.reference.losses import LOSS_KEYS, translate_losses
from paramlens.config.reference.target import TARGET_KEYS, translate_target
from paramlens.config.reference.training import TRAINING_KEYS, translate_training
from paramlens.config.reference.translation import Translation

# Keys that configure only the reference's logging or output folder.
_LOGGING_ONLY = frozenset(
    {"slow_eval_freq", "slow_eval_on_first_step", "n_examples_until_dead", "out_dir"}
)
_KNOWN = (
    GENERAL_KEYS
    | CI_KEYS
    | LOSS_KEYS
    | TRAINING_KEYS
    | EVALUATION_KEYS
    | TARGET_KEYS
    | _LOGGING_ONLY
)


def translate_reference(raw: Mapping[str, object], file_name: str, base_dir: Path) -> Translation:
    """The native form of `raw`, with notes, warnings and errors keyed by the file's paths.

    `file_name` helps tell which toy or how deep a model the file means (the reference names
    its experiment files after them); relative paths in the file start at `base_dir`.
    """
    out = Translation()
    method = _method(raw)
    out.put(("method",), method)
    out.notes.append(f"Reference-format config (goodfire-ai/spd), translated to method {method}.")
    for key in raw:
        if str(key).startswith("wandb_") or key in _LOGGING_ONLY:
            out.ignore((str(key),))
    out.check_keys({k: v for k, v in raw.items() if not str(k).startswith("wandb_")}, (), _KNOWN)
    translate_general(raw, out)
    translate_ci_function(raw, out)
    translate_losses(raw, out)
    translate_training(raw, out)
    translate_evaluation(raw, out)
    translate_target(raw, file_name, base_dir, out)
    if out.ignored:
        out.notes.append(_ignored_note(out.ignored))
    return out


def _ignored_note(ignored: list[str]) -> str:
    """One line: plain keys, then each metric list as `key: A, B`."""
    keys = [item for item in ignored if ": " not in item]
    metrics: dict[str, list[str]] = {}
    for item in ignored:
        if ": " in item:
            key, name = item.split(": ", 1)
            metrics.setdefault(key, []).append(name)
    parts = [", ".join(keys)] if keys else []
    parts += [f"{key}: {', '.join(names)}" for key, names in metrics.items()]
    return (
        "Ignored, as they configure only the reference's logging, plots and eval metrics "
        "(ParamLens computes its own): " + "; ".join(parts)
    )


def _method(raw: Mapping[str, object]) -> str:
    """vpd when the file uses VPD's global CI function or adversary, else spd."""
    ci_config = raw.get("ci_config")
    if isinstance(ci_config, Mapping) and ci_config.get("mode") == "global":
        return "vpd"
    losses = raw.get("loss_metric_configs")
    if isinstance(losses, list) and any(
        isinstance(loss, Mapping) and str(loss.get("classname")).startswith("PersistentPGD")
        for loss in losses
    ):
        return "vpd"
    return "spd"
