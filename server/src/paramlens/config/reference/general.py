"""Reference keys for the run as a whole: seed, masks, what is decomposed."""

from collections.abc import Mapping

from paramlens.config.reference.translation import Translation

# Keys whose only honourable value is the one ParamLens implements (spec §1–3), with why.
_FIXED: tuple[tuple[str, object, str], ...] = (
    ("sampling", "continuous", "ParamLens samples continuous mask sources only"),
    ("sigmoid_type", "leaky_hard", "ParamLens uses the leaky-hard CI sigmoids (spec §2) only"),
    ("use_delta_component", True, "ParamLens always decomposes with the Δ-component"),
    ("gradient_accumulation_steps", 1, "ParamLens has no gradient accumulation"),
    ("init_spd_checkpoint", None, "reference checkpoints (pickles) are never loaded"),
    ("init_pd_checkpoint", None, "reference checkpoints (pickles) are never loaded"),
    ("identity_module_info", None, "inserting identity modules is not supported"),
    ("identity_module_patterns", None, "inserting identity modules is not supported"),
    ("lr_exponential_halflife", None, "ParamLens has no exponential learning-rate schedule"),
)

GENERAL_KEYS = frozenset(
    {"seed", "autocast_bf16", "n_mask_samples", "module_info", "C", "target_module_patterns"}
    | {key for key, _, _ in _FIXED}
)


def translate_general(raw: Mapping[str, object], out: Translation) -> None:
    for key, allowed, reason in _FIXED:
        out.refuse(raw, (), key, allowed, reason)
    if "seed" in raw:
        out.put(("seed",), raw["seed"], ("seed",))
    # The reference autocasts by default; ParamLens does so only on CUDA devices.
    out.put(("training", "autocast_bf16"), raw.get("autocast_bf16", True), ("autocast_bf16",))
    if "n_mask_samples" in raw:
        out.put(("training", "n_mask_samples"), raw["n_mask_samples"], ("n_mask_samples",))
    _translate_modules(raw, out)


def _translate_modules(raw: Mapping[str, object], out: Translation) -> None:
    if "module_info" in raw:
        if "C" in raw or "target_module_patterns" in raw:
            out.error(("C",), "give either module_info or the older C + target_module_patterns")
        _module_info(raw["module_info"], out)
    elif "target_module_patterns" in raw:
        _legacy_modules(raw, out)
    else:
        out.error((), "missing module_info: the modules to decompose and their C")


def _module_info(value: object, out: Translation) -> None:
    if not isinstance(value, list) or not value:
        out.error(("module_info",), "must be a non-empty list of {module_pattern, C}")
        return
    modules: list[object] = []
    for index, entry in enumerate(value):
        origin = ("module_info", index)
        item = out.mapping(entry, origin)
        if item is None:
            continue
        out.check_keys(item, origin, ("module_pattern", "C"))
        out.trace(("modules", len(modules)), origin)
        out.trace(("modules", len(modules), "pattern"), (*origin, "module_pattern"))
        out.trace(("modules", len(modules), "C"), (*origin, "C"))
        modules.append({"pattern": item.get("module_pattern"), "C": item.get("C")})
    out.put(("modules",), modules, ("module_info",))


def _legacy_modules(raw: Mapping[str, object], out: Translation) -> None:
    patterns = raw["target_module_patterns"]
    if not isinstance(patterns, list) or not patterns:
        out.error(("target_module_patterns",), "must be a non-empty list of module patterns")
        return
    if "C" not in raw:
        out.error(("target_module_patterns",), "needs C, the number of subcomponents per module")
        return
    for index in range(len(patterns)):
        out.trace(("modules", index, "pattern"), ("target_module_patterns", index))
        out.trace(("modules", index, "C"), ("C",))
    out.put(
        ("modules",), [{"pattern": p, "C": raw["C"]} for p in patterns], ("target_module_patterns",)
    )
