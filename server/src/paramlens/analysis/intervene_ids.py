"""Which mask entries an intervention's IDs select: a column of the C_total axis, at every
position (subcomponent IDs) or at one (node IDs). Toy models have no positions, so they take
subcomponent IDs only (`linear1:3`).

Accepted forms (DESIGN.md, "Subcomponent and node IDs"): `h.1.mlp.down_proj:12`, the short
`1.mlp.down:12`, and node IDs `h.1.mlp.down_proj:3:12` / `1.mlp.down:3:12` (position 3 only).
A short name maps to the run's module whose path has that layer number as its first number,
then a block of that kind, and a leaf name that plays that role in a common architecture.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from paramlens.analysis.export.masked_forward import ModuleSlice
from paramlens.ids import (
    ComponentNodeId,
    ShortSubcomponentId,
    parse_node_id,
    parse_short_subcomponent_id,
    parse_subcomponent_id,
)

_ATTENTION_BLOCKS = frozenset({"attn", "self_attn", "attention", "self_attention"})
_MLP_BLOCKS = frozenset({"mlp", "feed_forward", "ffn"})
_BLOCK_NAMES = {
    "attn": _ATTENTION_BLOCKS,
    "attn_fused": _ATTENTION_BLOCKS,
    "mlp": _MLP_BLOCKS,
    "glu": _MLP_BLOCKS,
}
# Leaf module names per (block, role): Llama-style, GPT-2 (whose c_proj is the attention output
# in `attn` and the down projection in `mlp`), GPT-NeoX/Pythia, OPT and GPT-J.
_LEAF_NAMES: dict[tuple[str, str], frozenset[str]] = {
    ("attn", "q"): frozenset({"q_proj", "query"}),
    ("attn", "k"): frozenset({"k_proj", "key"}),
    ("attn", "v"): frozenset({"v_proj", "value"}),
    ("attn", "o"): frozenset({"o_proj", "out_proj", "c_proj", "dense"}),
    ("attn_fused", "qkv"): frozenset({"c_attn", "qkv_proj", "query_key_value"}),
    ("attn_fused", "o"): frozenset({"c_proj", "out_proj", "o_proj", "dense"}),
    ("mlp", "up"): frozenset({"c_fc", "up_proj", "fc1", "fc_in", "dense_h_to_4h"}),
    ("mlp", "down"): frozenset({"c_proj", "down_proj", "fc2", "fc_out", "dense_4h_to_h"}),
    ("glu", "up"): frozenset({"up_proj"}),
    ("glu", "gate"): frozenset({"gate_proj"}),
    ("glu", "down"): frozenset({"down_proj"}),
}

_PSEUDO_NODE = (
    "{text}: pseudo-nodes (embed, output) have no mask; only subcomponents can be kept or ablated"
)


@dataclass(frozen=True)
class MaskSelection:
    column: int  # on the C_total axis
    position: int | None  # the one position a node ID names; None: every position


def resolve_ids(
    texts: Sequence[str], modules: Sequence[ModuleSlice], n_positions: int | None
) -> list[MaskSelection]:
    """Resolve each ID; ValueError naming the first bad one and what would be valid.

    n_positions: the prompt's length; None for a toy model's input, which has no positions."""
    return [_resolve(text, modules, n_positions) for text in texts]


def modules_for_short_name(short: ShortSubcomponentId, paths: Sequence[str]) -> list[str]:
    """The paths among `paths` that the short name's layer, block and role describe."""
    blocks = _BLOCK_NAMES[short.block]
    leaves = _LEAF_NAMES[(short.block, short.role)]
    found = []
    for path in paths:
        parts = path.split(".")
        layer_at = next((i for i, part in enumerate(parts) if part.isdigit()), None)
        if layer_at is None or int(parts[layer_at]) != short.layer:
            continue
        if parts[-1] in leaves and any(part in blocks for part in parts[layer_at + 1 : -1]):
            found.append(path)
    return found


def _resolve(text: str, modules: Sequence[ModuleSlice], n_positions: int | None) -> MaskSelection:
    n_fields = text.count(":") + 1
    if n_fields == 2:
        subcomponent = parse_subcomponent_id(text)
        module = _module(text, subcomponent.module, modules)
        return MaskSelection(_column(text, module, subcomponent.index), None)
    if n_positions is None:
        raise ValueError(
            f"{text!r} is not a subcomponent ID of a toy model, whose input has no positions: "
            f"give MODULE:INDEX, e.g. {modules[0].path}:0"
        )
    if n_fields == 3:
        node = parse_node_id(text)
        if not isinstance(node, ComponentNodeId):
            raise ValueError(_PSEUDO_NODE.format(text=text))
        module = _module(text, node.module, modules)
        if node.position >= n_positions:
            raise ValueError(
                f"{text}: position {node.position} is out of range: the prompt has "
                f"{n_positions} tokens (positions 0–{n_positions - 1})"
            )
        return MaskSelection(_column(text, module, node.index), node.position)
    raise ValueError(
        f"{text!r} is not a subcomponent ID (h.1.mlp.down_proj:12, or the short 1.mlp.down:12) "
        "or a node ID (h.1.mlp.down_proj:3:12, position 3 only)"
    )


def _module(text: str, name: str, modules: Sequence[ModuleSlice]) -> ModuleSlice:
    by_path = {module.path: module for module in modules}
    if name in by_path:
        return by_path[name]
    if name in ("embed", "output"):
        raise ValueError(_PSEUDO_NODE.format(text=text))
    try:
        short = parse_short_subcomponent_id(f"{name}:0")
    except ValueError:
        short = None
    if short is not None:
        matches = modules_for_short_name(short, list(by_path))
        if len(matches) == 1:
            return by_path[matches[0]]
        if matches:
            raise ValueError(
                f"{text}: the short name {name} is ambiguous here ({', '.join(matches)})"
            )
    raise ValueError(
        f"{text}: the run has no decomposed module {name!r}; its modules are {', '.join(by_path)}"
    )


def _column(text: str, module: ModuleSlice, index: int) -> int:
    if index >= module.C:
        raise ValueError(
            f"{text}: index {index} is out of range: {module.path} has C = {module.C} "
            f"(indices 0–{module.C - 1})"
        )
    return module.offset + index
