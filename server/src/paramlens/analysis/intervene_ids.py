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
    modules_for_short_name,
    parse_node_id,
    parse_short_subcomponent_id,
    parse_subcomponent_id,
)

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
