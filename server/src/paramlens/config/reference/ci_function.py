"""Reference keys for the causal-importance function: `ci_config` and its older flat forms."""

from collections.abc import Mapping

from paramlens.config.reference.translation import Translation
from paramlens.config.sections.base import KeyPath

CI_KEYS = frozenset(
    {"ci_config", "ci_fn_type", "ci_fn_hidden_dims", "gate_type", "gate_hidden_dims"}
)

_LAYERWISE = ("mlp", "vector_mlp", "shared_mlp")
# Keys of the removed `global_reverse_residual` CI function; the reference requires them null.
_REMOVED = (
    "reader_hidden_dims",
    "d_resid_ci_fn",
    "block_groups",
    "transition_attn_config",
    "transition_hidden_dim",
)


def translate_ci_function(raw: Mapping[str, object], out: Translation) -> None:
    if "ci_config" in raw:
        config = out.mapping(raw["ci_config"], ("ci_config",))
        if config is not None:
            _ci_config(config, out)
        return
    # Flat forms: `ci_fn_*` (2025), `gate_*` (older); the reference default is vector_mlp [8].
    prefix = "gate" if "gate_type" in raw else "ci_fn"
    fn_type = raw.get(f"{prefix}_type", "vector_mlp")
    hidden = raw.get(f"{prefix}_hidden_dims", [8])
    _layerwise(fn_type, hidden, (f"{prefix}_type",), (f"{prefix}_hidden_dims",), out)


def _layerwise(
    fn_type: object, hidden: object, type_origin: KeyPath, hidden_origin: KeyPath, out: Translation
) -> None:
    if fn_type not in _LAYERWISE:
        out.error(
            type_origin,
            f"CI function {fn_type!r} is not supported; use one of "
            f"{', '.join(_LAYERWISE)} or global_shared_transformer",
        )
        return
    out.put(("ci_function", "type"), fn_type, type_origin)
    out.put(("ci_function", "hidden_dims"), hidden, hidden_origin)


def _ci_config(config: Mapping[str, object], out: Translation) -> None:
    origin: KeyPath = ("ci_config",)
    out.check_keys(
        config, origin, ("mode", "fn_type", "hidden_dims", "simple_transformer_ci_cfg", *_REMOVED)
    )
    for key in _REMOVED:
        out.refuse(config, origin, key, None, "that CI function was removed from the reference")
    fn_type = config.get("fn_type")
    if config.get("mode", "layerwise") == "layerwise":
        _layerwise(
            fn_type, config.get("hidden_dims"), (*origin, "fn_type"), (*origin, "hidden_dims"), out
        )
    elif fn_type == "global_shared_transformer":
        out.put(("ci_function", "type"), "global_transformer", (*origin, "fn_type"))
        out.refuse(
            config,
            origin,
            "hidden_dims",
            None,
            "the transformer takes its sizes from simple_transformer_ci_cfg",
        )
        cfg = out.mapping(
            config.get("simple_transformer_ci_cfg"), (*origin, "simple_transformer_ci_cfg")
        )
        if cfg is not None:
            _transformer(cfg, (*origin, "simple_transformer_ci_cfg"), out)
    else:
        out.error(
            (*origin, "fn_type"),
            f"global CI function {fn_type!r} is not supported; use global_shared_transformer",
        )


def _transformer(cfg: Mapping[str, object], origin: KeyPath, out: Translation) -> None:
    out.check_keys(cfg, origin, ("d_model", "n_blocks", "mlp_hidden_dim", "attn_config"))
    for key in ("d_model", "n_blocks"):
        if key in cfg:
            out.put(("ci_function", key), cfg[key], (*origin, key))
    widths = cfg.get("mlp_hidden_dim")
    d_model = cfg.get("d_model")
    if isinstance(widths, list) and len(widths) == 1:
        out.put(("ci_function", "d_ff"), widths[0], (*origin, "mlp_hidden_dim", 0))
    elif widths is None and isinstance(d_model, int):
        # The reference's default FFN width.
        out.put(("ci_function", "d_ff"), 4 * d_model, (*origin, "d_model"))
    else:
        out.error((*origin, "mlp_hidden_dim"), "must be one FFN width, e.g. [8192]")
    attn = out.mapping(cfg.get("attn_config"), (*origin, "attn_config"))
    if attn is not None:
        out.check_keys(attn, (*origin, "attn_config"), ("n_heads", "max_len", "rope_base"))
        if "n_heads" in attn:
            out.put(
                ("ci_function", "n_heads"), attn["n_heads"], (*origin, "attn_config", "n_heads")
            )
        # The reference's defaults, which differ from ParamLens's.
        for key, default in (("max_len", 2048), ("rope_base", 10000.0)):
            out.put(("ci_function", key), attn.get(key, default), (*origin, "attn_config", key))
