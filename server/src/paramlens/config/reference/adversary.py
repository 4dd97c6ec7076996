"""Reference persistent-PGD settings, which become ParamLens's `adversary.persistent`."""

from collections.abc import Mapping

from paramlens.config.reference.translation import Translation
from paramlens.config.sections.base import KeyPath

_NATIVE = ("adversary", "persistent")
_KEYS = (
    "classname",
    "coeff",
    "optimizer",
    "scope",
    "use_sigmoid_parameterization",
    "n_warmup_steps",
    "start_frac",
    "n_samples",
    "routing",
)
# Older scope names the reference still accepts.
_SCOPE_ALIASES = {
    "single_mask": "single_source",
    "batch_invariant": "repeat_across_batch",
    "per_batch": "per_batch_per_position",
    "unique_per_batch_per_token": "per_batch_per_position",
}


def translate_persistent_adversary(
    item: Mapping[str, object], origin: KeyPath, out: Translation
) -> None:
    out.check_keys(item, origin, _KEYS)
    out.refuse(
        item,
        origin,
        "use_sigmoid_parameterization",
        False,
        "ParamLens optimises the sources directly, clamped to [0, 1]",
    )
    out.refuse(item, origin, "start_frac", 0.0, "the adversary runs from the first step")
    out.refuse(item, origin, "n_samples", 1, "ParamLens keeps one set of sources")
    # The reference's default: no extra ascent steps before the loss.
    out.put(
        (*_NATIVE, "n_warmup_steps"), item.get("n_warmup_steps", 0), (*origin, "n_warmup_steps")
    )
    optimizer = out.mapping(item.get("optimizer"), (*origin, "optimizer"))
    if optimizer is not None:
        _optimizer(optimizer, (*origin, "optimizer"), out)
    _scope(item.get("scope"), (*origin, "scope"), out)


def _optimizer(optimizer: Mapping[str, object], origin: KeyPath, out: Translation) -> None:
    kind = optimizer.get("type")
    out.put((*_NATIVE, "optimizer"), kind, (*origin, "type"))
    if kind == "adam":
        out.check_keys(optimizer, origin, ("type", "beta1", "beta2", "eps", "lr_schedule", "lr"))
        # The reference's Adam defaults, which differ from the VPD paper's.
        for key, default in (("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8)):
            out.put((*_NATIVE, key), optimizer.get(key, default), (*origin, key))
        step_key = "lr"
    else:
        out.check_keys(optimizer, origin, ("type", "lr_schedule", "step_size"))
        step_key = "step_size"
    if step_key in optimizer and "lr_schedule" not in optimizer:
        out.put((*_NATIVE, "lr"), optimizer[step_key], (*origin, step_key))
        out.put((*_NATIVE, "warmup_frac"), 0.0, (*origin, step_key))
        return
    schedule = out.mapping(optimizer.get("lr_schedule"), (*origin, "lr_schedule"))
    if schedule is None:
        return
    where = (*origin, "lr_schedule")
    out.check_keys(schedule, where, ("start_val", "warmup_pct", "final_val_frac", "fn_type"))
    out.refuse(
        schedule,
        where,
        "fn_type",
        "constant",
        "the persistent adversary keeps a constant step size after warmup",
    )
    out.refuse(
        schedule,
        where,
        "final_val_frac",
        1.0,
        "the persistent adversary keeps a constant step size after warmup",
    )
    out.put((*_NATIVE, "lr"), schedule.get("start_val"), (*where, "start_val"))
    out.put((*_NATIVE, "warmup_frac"), schedule.get("warmup_pct", 0.0), (*where, "warmup_pct"))


def _scope(value: object, origin: KeyPath, out: Translation) -> None:
    scope = {"type": value} if isinstance(value, str) else value
    found = out.mapping(scope, origin)
    if found is None:
        return
    out.check_keys(found, origin, ("type", "n_sources", "n_masks"))
    kind = found.get("type")
    out.put((*_NATIVE, "scope"), _SCOPE_ALIASES.get(str(kind), kind), (*origin, "type"))
    n_sources = found.get("n_sources", found.get("n_masks"))
    if n_sources is not None:
        out.put((*_NATIVE, "n_sources"), n_sources, (*origin, "n_sources"))
