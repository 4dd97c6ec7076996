"""Reference keys for the optimisation loop."""

from collections.abc import Mapping

from paramlens.config.reference.translation import Translation

TRAINING_KEYS = frozenset(
    {
        "steps",
        "batch_size",
        "lr",
        "lr_schedule",
        "lr_warmup_pct",
        "grad_clip_norm",
        "grad_clip_norm_components",
        "grad_clip_norm_ci_fns",
        "faithfulness_warmup_steps",
        "faithfulness_warmup_lr",
        "faithfulness_warmup_weight_decay",
    }
)


def translate_training(raw: Mapping[str, object], out: Translation) -> None:
    for key in ("steps", "batch_size"):
        if key in raw:
            out.put(("training", key), raw[key], (key,))
        else:
            out.error((), f"missing {key}")
    if isinstance(raw.get("lr_schedule"), Mapping):
        _schedule(raw, out)
    elif "lr" in raw:
        _legacy_schedule(raw, out)
    else:
        out.error((), "missing lr_schedule: the learning rate and its schedule")
    clip_key = "grad_clip_norm" if "grad_clip_norm" in raw else "grad_clip_norm_components"
    out.put(("training", "grad_clip_components"), raw.get(clip_key), (clip_key,))
    out.put(
        ("training", "grad_clip_ci_function"),
        raw.get("grad_clip_norm_ci_fns"),
        ("grad_clip_norm_ci_fns",),
    )
    # The reference's defaults: no warmup unless asked for.
    for key, default in (("steps", 0), ("lr", 1e-3), ("weight_decay", 0.0)):
        name = f"faithfulness_warmup_{key}"
        out.put(("training", "faithfulness_warmup", key), raw.get(name, default), (name,))


def _schedule(raw: Mapping[str, object], out: Translation) -> None:
    schedule = raw["lr_schedule"]
    assert isinstance(schedule, Mapping)
    origin = ("lr_schedule",)
    out.check_keys(schedule, origin, ("start_val", "warmup_pct", "final_val_frac", "fn_type"))
    out.put(("training", "lr"), schedule.get("start_val"), (*origin, "start_val"))
    native = ("training", "lr_schedule")
    # The reference's defaults: a constant rate without warmup.
    out.put((*native, "kind"), schedule.get("fn_type", "constant"), (*origin, "fn_type"))
    out.put((*native, "warmup_frac"), schedule.get("warmup_pct", 0.0), (*origin, "warmup_pct"))
    out.put(
        (*native, "final_frac"), schedule.get("final_val_frac", 1.0), (*origin, "final_val_frac")
    )


def _legacy_schedule(raw: Mapping[str, object], out: Translation) -> None:
    """`lr` + `lr_schedule: <name>` + `lr_warmup_pct`, as the reference migrates them."""
    kind = raw.get("lr_schedule", "constant")
    out.put(("training", "lr"), raw["lr"], ("lr",))
    out.put(("training", "lr_schedule", "kind"), kind, ("lr_schedule",))
    out.put(
        ("training", "lr_schedule", "warmup_frac"),
        raw.get("lr_warmup_pct", 0.0),
        ("lr_warmup_pct",),
    )
    # The old cosine schedule decayed to 0; the others kept the rate.
    out.put(
        ("training", "lr_schedule", "final_frac"),
        0.0 if kind == "cosine" else 1.0,
        ("lr_schedule",),
    )
