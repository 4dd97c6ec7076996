"""Reference keys for logging and evaluation: cadences, and the eval-metric list.

ParamLens computes its own evaluation metrics (L0, CE/KL under several masks, fresh PGD
reconstruction, alive counts), so of the reference's eval metrics only the settings of
PGDReconLoss and CEandKLLosses carry over; the others, plots included, are ignored.
"""

import difflib
from collections.abc import Mapping

from paramlens.config.reference.losses import TRAINING_LOSS_NAMES
from paramlens.config.reference.translation import Translation
from paramlens.config.sections.base import KeyPath

EVALUATION_KEYS = frozenset(
    {
        "train_log_freq",
        "eval_freq",
        "print_freq",
        "eval_batch_size",
        "n_eval_steps",
        "save_freq",
        "ci_alive_threshold",
        "eval_metric_configs",
        "eval_metrics",
    }
)
_EVAL_ONLY = frozenset(
    {
        "CEandKLLosses",
        "CIHistograms",
        "CI_L0",
        "CIMeanPerComponent",
        "ComponentActivationDensity",
        "IdentityCIError",
        "PermutedCIPlots",
        "UVPlots",
        "StochasticReconSubsetCEAndKL",
        "CIHiddenActsReconLoss",
        "PersistentPGDReconEval",
        "PersistentPGDReconSubsetEval",
        "CIMaskedAttnPatternsReconLoss",
        "StochasticAttnPatternsReconLoss",
    }
)
EVAL_METRIC_NAMES = _EVAL_ONLY | TRAINING_LOSS_NAMES


def translate_evaluation(raw: Mapping[str, object], out: Translation) -> None:
    eval_key = "eval_freq" if "eval_freq" in raw else "print_freq"
    logging = ("logging",)
    # Absent keys get the reference's defaults, not the method's preset.
    out.put((*logging, "log_every"), raw.get("train_log_freq", 50), ("train_log_freq",))
    out.put(
        (*logging, "eval_batch_size"),
        raw.get("eval_batch_size", raw.get("batch_size")),
        ("eval_batch_size",),
    )
    out.put((*logging, "checkpoint_every"), raw.get("save_freq"), ("save_freq",))
    for native, key in (
        ("eval_every", eval_key),
        ("eval_batches", "n_eval_steps"),
        ("ci_alive_threshold", "ci_alive_threshold"),
    ):
        if key in raw:
            out.put((*logging, native), raw[key], (key,))
    for key in ("eval_metric_configs", "eval_metrics"):
        if key in raw:
            _metrics(raw[key], (key,), out)


def _metrics(value: object, origin: KeyPath, out: Translation) -> None:
    if not isinstance(value, list):
        out.error(origin, "must be a list of {classname, …}")
        return
    for index, entry in enumerate(value):
        item = out.mapping(entry, (*origin, index))
        if item is None:
            continue
        # Older files nest the settings under `extra_init_kwargs`.
        settings = item.get("extra_init_kwargs", item)
        where: KeyPath = (
            (*origin, index, "extra_init_kwargs") if settings is not item else (*origin, index)
        )
        if not isinstance(settings, Mapping):
            out.error(where, "must be a mapping of keys")
            continue
        _metric(str(item.get("classname")), settings, (*origin, index), where, out)


def _metric(
    classname: str,
    settings: Mapping[str, object],
    origin: KeyPath,
    where: KeyPath,
    out: Translation,
) -> None:
    if classname == "PGDReconLoss":
        _pgd_eval(settings, where, out)
    elif classname == "CEandKLLosses":
        if "rounding_threshold" in settings:
            out.put(
                ("logging", "rounding_threshold"),
                settings["rounding_threshold"],
                (*where, "rounding_threshold"),
            )
    elif classname in EVAL_METRIC_NAMES:
        out.ignored.append(f"{origin[0]}: {classname}")
    else:
        close = difflib.get_close_matches(classname, sorted(EVAL_METRIC_NAMES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        out.error((*origin, "classname"), f"unknown eval metric {classname!r}{hint}")


def _pgd_eval(settings: Mapping[str, object], where: KeyPath, out: Translation) -> None:
    out.check_keys(
        settings, where, ("classname", "coeff", "init", "step_size", "n_steps", "mask_scope")
    )
    out.refuse(settings, where, "init", "random", "the PGD evaluation starts from random sources")
    for native, key in (
        ("n_steps", "n_steps"),
        ("step_size", "step_size"),
        ("scope", "mask_scope"),
    ):
        if key in settings:
            out.put(("adversary", "eval", native), settings[key], (*where, key))
