"""Reference loss configs: `loss_metric_configs` entries, or the older `*_coeff` keys."""

import difflib
from collections.abc import Mapping

from paramlens.config.reference.adversary import translate_persistent_adversary
from paramlens.config.reference.translation import Translation
from paramlens.config.sections.base import KeyPath

LEGACY_LOSS_KEYS = frozenset(
    {
        "faithfulness_coeff",
        "stochastic_recon_coeff",
        "stochastic_recon_layerwise_coeff",
        "importance_minimality_coeff",
        "importance_minimality_coeff_start_frac",
        "importance_minimality_coeff_end_frac",
        "importance_minimality_coeff_final",
        "pnorm",
        "p_anneal_start_frac",
        "p_anneal_final_p",
        "p_anneal_end_frac",
    }
)
# Older losses ParamLens does not train with; harmless only when off (null or 0).
_UNSUPPORTED_LEGACY = (
    "ci_recon_coeff",
    "ci_recon_layerwise_coeff",
    "recon_coeff",
    "recon_layerwise_coeff",
    "schatten_coeff",
    "embedding_recon_coeff",
    "out_recon_coeff",
)
LOSS_KEYS = (
    LEGACY_LOSS_KEYS | set(_UNSUPPORTED_LEGACY) | {"loss_metric_configs", "output_loss_type"}
)

_NATIVE_LOSSES = (
    "faithfulness",
    "importance_minimality",
    "stochastic_recon",
    "stochastic_recon_layerwise",
    "ppgd_recon",
)
_SIMPLE = {
    "FaithfulnessLoss": ("faithfulness", None),
    "StochasticReconLoss": ("stochastic_recon", "all"),
    "StochasticReconLayerwiseLoss": ("stochastic_recon_layerwise", None),
}
_PPGD = {"PersistentPGDReconLoss": "all", "PersistentPGDReconSubsetLoss": "uniform_k_subset"}
# Reference losses ParamLens does not train with, and why.
_NOT_TRAINED = {
    "UnmaskedReconLoss": "it is an evaluation metric in ParamLens",
    "CIMaskedReconLoss": "training on CI-masked reconstruction is trivially cheatable (spec §9)",
    "CIMaskedReconSubsetLoss": "training on CI-masked reconstruction is trivially cheatable",
    "CIMaskedReconLayerwiseLoss": "training on CI-masked reconstruction is trivially cheatable",
    "PGDReconLoss": "ParamLens trains against the persistent adversary (PersistentPGDReconLoss)",
    "PGDReconSubsetLoss": "ParamLens trains against the persistent adversary",
    "PGDReconLayerwiseLoss": "ParamLens trains against the persistent adversary",
    "PGDMultiBatchReconLoss": "ParamLens trains against the persistent adversary",
    "PGDMultiBatchReconSubsetLoss": "ParamLens trains against the persistent adversary",
    "StochasticHiddenActsReconLoss": "hidden-activation reconstruction is not a ParamLens loss",
}
TRAINING_LOSS_NAMES = frozenset({*_SIMPLE, *_PPGD, *_NOT_TRAINED, "ImportanceMinimalityLoss"})


def translate_losses(raw: Mapping[str, object], out: Translation) -> None:
    if "output_loss_type" in raw:
        out.put(("output_loss",), raw["output_loss_type"], ("output_loss_type",))
    for key in _UNSUPPORTED_LEGACY:
        if raw.get(key) not in (None, 0, 0.0):
            out.error((key,), f"{raw[key]!r} is not supported: ParamLens has no such loss")
    # Every loss is set, off ones to null, so that the method's preset adds none.
    for name in _NATIVE_LOSSES:
        out.put(("losses", name), None)
    if "loss_metric_configs" in raw:
        legacy = sorted(LEGACY_LOSS_KEYS & raw.keys())
        if legacy:
            out.error((legacy[0],), "give losses either in loss_metric_configs or as *_coeff keys")
        _loss_list(raw["loss_metric_configs"], out)
    else:
        _legacy_coefficients(raw, out)


def _loss_list(value: object, out: Translation) -> None:
    if not isinstance(value, list):
        out.error(("loss_metric_configs",), "must be a list of {classname, coeff, …}")
        return
    seen: dict[str, int] = {}
    for index, entry in enumerate(value):
        origin: KeyPath = ("loss_metric_configs", index)
        item = out.mapping(entry, origin)
        if item is None:
            continue
        classname = str(item.get("classname"))
        if classname in seen:
            out.error(
                (*origin, "classname"),
                f"{classname} already appears in loss_metric_configs[{seen[classname]}]",
            )
            continue
        seen[classname] = index
        _loss(classname, item, origin, out)
    if "ImportanceMinimalityLoss" not in seen:
        out.error(
            ("loss_metric_configs",),
            "has no ImportanceMinimalityLoss, which every decomposition needs",
        )


def _loss(classname: str, item: Mapping[str, object], origin: KeyPath, out: Translation) -> None:
    if classname == "ImportanceMinimalityLoss":
        _importance_minimality(item, origin, out)
    elif classname in _SIMPLE:
        out.check_keys(item, origin, ("classname", "coeff"))
        name, routing = _SIMPLE[classname]
        _coefficient(name, item, origin, out)
        if routing is not None:
            out.put(("losses", name, "routing"), routing, (*origin, "classname"))
    elif classname == "StochasticReconSubsetLoss":
        out.check_keys(item, origin, ("classname", "coeff", "routing"))
        _coefficient("stochastic_recon", item, origin, out)
        out.put(
            ("losses", "stochastic_recon", "routing"),
            _routing(item, origin, out),
            (*origin, "routing"),
        )
    elif classname in _PPGD:
        _coefficient("ppgd_recon", item, origin, out)
        routing = _routing(item, origin, out) if "routing" in item else _PPGD[classname]
        out.put(("losses", "ppgd_recon", "routing"), routing, (*origin, "classname"))
        translate_persistent_adversary(item, origin, out)
    elif classname in _NOT_TRAINED:
        out.error(
            (*origin, "classname"),
            f"{classname} cannot be a training loss: {_NOT_TRAINED[classname]}",
        )
    else:
        close = difflib.get_close_matches(classname, sorted(TRAINING_LOSS_NAMES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        out.error((*origin, "classname"), f"unknown loss {classname!r}{hint}")


def _coefficient(name: str, item: Mapping[str, object], origin: KeyPath, out: Translation) -> None:
    if item.get("coeff") is None:
        out.error(origin, f"{item.get('classname')} needs a coeff")
    out.put(("losses", name), {"coeff": item.get("coeff")}, (*origin, "coeff"))


def _routing(item: Mapping[str, object], origin: KeyPath, out: Translation) -> str:
    routing = item.get("routing", {"type": "uniform_k_subset"})
    kind = routing.get("type") if isinstance(routing, Mapping) else routing
    if kind != "uniform_k_subset":
        out.error((*origin, "routing"), f"routing {kind!r} is not supported; use uniform_k_subset")
    return "uniform_k_subset"


def _importance_minimality(item: Mapping[str, object], origin: KeyPath, out: Translation) -> None:
    out.check_keys(
        item,
        origin,
        (
            "classname",
            "coeff",
            "pnorm",
            "beta",
            "p_anneal_start_frac",
            "p_anneal_final_p",
            "p_anneal_end_frac",
            "eps",
            "pnorm_1",
            "pnorm_2",
        ),
    )
    if item.get("pnorm_2") not in (None, 0):
        out.error((*origin, "pnorm_2"), "is not supported: the second p-norm term was removed")
    _coefficient("importance_minimality", item, origin, out)
    if "pnorm_1" in item and "pnorm" not in item:
        item = {**item, "pnorm": item["pnorm_1"]}  # An older name the reference still reads.
    _p_schedule(item, origin, item.get("beta", 0.0), out)


def _p_schedule(
    item: Mapping[str, object], origin: KeyPath, beta: object, out: Translation
) -> None:
    """The reference's defaults keep p at `pnorm` throughout (anneal starting at 100 %)."""
    path = ("losses", "importance_minimality")
    pnorm = item.get("pnorm")
    if pnorm is None:
        out.error(origin, "the importance-minimality loss needs pnorm")
    final = item.get("p_anneal_final_p")
    out.put((*path, "p_start"), pnorm, (*origin, "pnorm"))
    out.put(
        (*path, "p_final"),
        pnorm if final is None else final,
        (*origin, "pnorm" if final is None else "p_anneal_final_p"),
    )
    out.put(
        (*path, "p_anneal_start_frac"),
        item.get("p_anneal_start_frac", 1.0),
        (*origin, "p_anneal_start_frac"),
    )
    out.put(
        (*path, "p_anneal_end_frac"),
        item.get("p_anneal_end_frac", 1.0),
        (*origin, "p_anneal_end_frac"),
    )
    out.put((*path, "beta"), beta, (*origin, "beta"))
    if "eps" in item:
        out.put((*path, "eps"), item["eps"], (*origin, "eps"))


def _legacy_coefficients(raw: Mapping[str, object], out: Translation) -> None:
    for name, key in (
        ("faithfulness", "faithfulness_coeff"),
        ("stochastic_recon", "stochastic_recon_coeff"),
        ("stochastic_recon_layerwise", "stochastic_recon_layerwise_coeff"),
    ):
        if raw.get(key) not in (None, 0, 0.0):
            out.put(("losses", name), {"coeff": raw[key]}, (key,))
    if raw.get("stochastic_recon_coeff") not in (None, 0, 0.0):
        out.put(("losses", "stochastic_recon", "routing"), "all", ("stochastic_recon_coeff",))
    coeff = raw.get("importance_minimality_coeff")
    if coeff is None:
        out.error((), "missing importance_minimality_coeff, which every decomposition needs")
        return
    final = raw.get("importance_minimality_coeff_final")
    if final is not None and final != coeff:
        out.error(
            ("importance_minimality_coeff_final",),
            f"{final!r} is not supported: ParamLens keeps the importance-minimality "
            "coefficient constant; set it equal to importance_minimality_coeff or null",
        )
    out.put(("losses", "importance_minimality"), {"coeff": coeff}, ("importance_minimality_coeff",))
    _p_schedule(raw, (), 0.0, out)
