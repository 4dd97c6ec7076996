"""Parse and print subcomponent and graph-node IDs (DESIGN.md, "Subcomponent and node IDs").

Grammar, shared with `protocol/ids.ts` and tested on `protocol/ids.cases.json`:

    graph         [A-Za-z0-9_-][A-Za-z0-9._-]{0,199}    the-cat-sat
    subcomponent  <module_path>:<index>                 h.2.mlp.down_proj:2359
    short         <layer>.<block>.<role>:<index>        2.mlp.down:2359
    node          <module_path>:<position>:<index>      h.0.mlp.c_fc:3:17
                  embed:<position>                      embed:5
                  output:<position>:<token_id>          output:7:1234

A module path is dot-separated names of letters, digits and underscores, as
`model.named_modules()` prints them. Numbers are non-negative decimals without
leading zeros, so that printing a parsed ID gives back the same text. In node IDs
the first field `embed` or `output` always means the pseudo-node, never a module.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Blocks and roles of the canonical short names (spec section 8).
CANONICAL_ROLES: dict[str, tuple[str, ...]] = {
    "attn": ("q", "k", "v", "o"),
    "attn_fused": ("qkv", "o"),
    "mlp": ("up", "down"),
    "glu": ("up", "down", "gate"),
}

# What a short name means in a model: the names its block and its leaf module go by in common
# architectures. This table is the one source; `protocol/shortNames.generated.json` is written
# from it (`python -m paramlens.contracts --write`) for the editor.
_ATTENTION_BLOCKS = ("attn", "self_attn", "attention", "self_attention")
_MLP_BLOCKS = ("mlp", "feed_forward", "ffn")
BLOCK_NAMES: dict[str, tuple[str, ...]] = {
    "attn": _ATTENTION_BLOCKS,
    "attn_fused": _ATTENTION_BLOCKS,
    "mlp": _MLP_BLOCKS,
    "glu": _MLP_BLOCKS,
}
# Leaf module names per block and role: Llama-style (q_proj), GPT-2 (whose c_proj is the attention
# output in `attn` and the down projection in `mlp`), GPT-NeoX/Pythia, OPT, GPT-J, and the short
# names of Meta's reference Llama and Mistral code (wq, w1 = gate, w2 = down, w3 = up).
ROLE_LEAVES: dict[str, dict[str, tuple[str, ...]]] = {
    "attn": {
        "q": ("q_proj", "q", "query", "wq"),
        "k": ("k_proj", "k", "key", "wk"),
        "v": ("v_proj", "v", "value", "wv"),
        "o": ("o_proj", "out_proj", "c_proj", "o", "wo", "dense"),
    },
    "attn_fused": {
        "qkv": ("c_attn", "qkv_proj", "qkv", "query_key_value", "wqkv"),
        "o": ("c_proj", "out_proj", "o_proj", "o", "wo", "dense"),
    },
    "mlp": {
        "up": ("c_fc", "up_proj", "fc1", "fc_in", "dense_h_to_4h", "w1", "up"),
        "down": ("c_proj", "down_proj", "fc2", "fc_out", "dense_4h_to_h", "w2", "down"),
    },
    "glu": {
        "up": ("up_proj", "w3", "up"),
        "gate": ("gate_proj", "w1", "gate"),
        "down": ("down_proj", "w2", "down"),
    },
}

# A graph ID names a file, graphs/<id>.graph.json: letters, digits, '.', '_' and '-', not starting
# with a dot (so never `.` or `..`), at most 200 characters.
GRAPH_ID_PATTERN = r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$"
_GRAPH_ID = re.compile(GRAPH_ID_PATTERN)

_MODULE_PATH = re.compile(r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*")
# Written out instead of `int()` alone, which also accepts "+1", " 1", "1_0" and non-ASCII digits.
_NATURAL = re.compile(r"0|[1-9][0-9]*")
_SHORT_NAME = re.compile(r"(?P<layer>[^.]*)\.(?P<block>[^.]*)\.(?P<role>[^.]*)")


def is_graph_id(text: str) -> bool:
    """Whether `text` can name a graph file."""
    return _GRAPH_ID.fullmatch(text) is not None


def _check_module_path(module: str) -> None:
    if not _MODULE_PATH.fullmatch(module):
        raise ValueError(
            f"module path {module!r} must be dot-separated names of letters, digits and '_'"
        )


def _check_natural(value: int, field: str) -> None:
    if value < 0:
        raise ValueError(f"{field} must be >= 0, got {value}")


@dataclass(frozen=True)
class SubcomponentId:
    """Subcomponent `index` (position on the C axis) of the module at `module`."""

    module: str
    index: int

    def __post_init__(self) -> None:
        _check_module_path(self.module)
        _check_natural(self.index, "index")


@dataclass(frozen=True)
class ShortSubcomponentId:
    """A subcomponent by canonical name, e.g. `2.mlp.down:2359`; the target maps it to a module."""

    layer: int
    block: str
    role: str
    index: int

    def __post_init__(self) -> None:
        _check_natural(self.layer, "layer")
        _check_natural(self.index, "index")
        roles = CANONICAL_ROLES.get(self.block)
        if roles is None:
            raise ValueError(
                f"block must be one of {', '.join(CANONICAL_ROLES)}, got {self.block!r}"
            )
        if self.role not in roles:
            raise ValueError(
                f"role of a {self.block} block must be one of {', '.join(roles)}, got {self.role!r}"
            )


@dataclass(frozen=True)
class ComponentNodeId:
    """Subcomponent `index` of `module` at sequence position `position`."""

    module: str
    position: int
    index: int

    def __post_init__(self) -> None:
        _check_module_path(self.module)
        if self.module in ("embed", "output"):
            raise ValueError(f"{self.module!r} names a pseudo-node, not a module")
        _check_natural(self.position, "position")
        _check_natural(self.index, "index")


@dataclass(frozen=True)
class EmbedNodeId:
    """The token embedding at sequence position `position`."""

    position: int

    def __post_init__(self) -> None:
        _check_natural(self.position, "position")


@dataclass(frozen=True)
class OutputNodeId:
    """The output logit of token `token_id` at sequence position `position`."""

    position: int
    token_id: int

    def __post_init__(self) -> None:
        _check_natural(self.position, "position")
        _check_natural(self.token_id, "token_id")


NodeId = ComponentNodeId | EmbedNodeId | OutputNodeId


def _parse_natural(text: str, field: str) -> int:
    if not _NATURAL.fullmatch(text):
        raise ValueError(f"{field} must be a non-negative integer, got {text!r}")
    return int(text)


def _invalid(kind: str, text: str, reason: ValueError) -> ValueError:
    return ValueError(f"invalid {kind} ID {text!r}: {reason}")


def parse_subcomponent_id(text: str) -> SubcomponentId:
    """Parse `<module_path>:<index>`; raise ValueError saying what is wrong."""
    module, colon, index = text.rpartition(":")
    try:
        if not colon:
            raise ValueError("expected <module_path>:<index>, e.g. h.2.mlp.down_proj:2359")
        return SubcomponentId(module, _parse_natural(index, "index"))
    except ValueError as reason:
        raise _invalid("subcomponent", text, reason) from None


def parse_short_subcomponent_id(text: str) -> ShortSubcomponentId:
    """Parse `<layer>.<block>.<role>:<index>`; raise ValueError saying what is wrong."""
    name, colon, index = text.rpartition(":")
    try:
        match = _SHORT_NAME.fullmatch(name)
        if not colon or match is None:
            raise ValueError("expected <layer>.<block>.<role>:<index>, e.g. 2.mlp.down:2359")
        return ShortSubcomponentId(
            layer=_parse_natural(match["layer"], "layer"),
            block=match["block"],
            role=match["role"],
            index=_parse_natural(index, "index"),
        )
    except ValueError as reason:
        raise _invalid("short subcomponent", text, reason) from None


def _expect_fields(fields: list[str], count: int, form: str) -> None:
    if len(fields) != count:
        raise ValueError(f"expected {form}")


def parse_node_id(text: str) -> NodeId:
    """Parse a graph-node ID of any kind; raise ValueError saying what is wrong."""
    fields = text.split(":")
    try:
        if fields[0] == "embed":
            _expect_fields(fields, 2, "embed:<position>")
            return EmbedNodeId(_parse_natural(fields[1], "position"))
        if fields[0] == "output":
            _expect_fields(fields, 3, "output:<position>:<token_id>")
            return OutputNodeId(
                _parse_natural(fields[1], "position"), _parse_natural(fields[2], "token_id")
            )
        _expect_fields(fields, 3, "<module_path>:<position>:<index>, embed:… or output:…")
        return ComponentNodeId(
            fields[0], _parse_natural(fields[1], "position"), _parse_natural(fields[2], "index")
        )
    except ValueError as reason:
        raise _invalid("node", text, reason) from None


def format_subcomponent_id(subcomponent: SubcomponentId) -> str:
    return f"{subcomponent.module}:{subcomponent.index}"


def format_short_subcomponent_id(subcomponent: ShortSubcomponentId) -> str:
    return f"{subcomponent.layer}.{subcomponent.block}.{subcomponent.role}:{subcomponent.index}"


def format_node_id(node: NodeId) -> str:
    if isinstance(node, EmbedNodeId):
        return f"embed:{node.position}"
    if isinstance(node, OutputNodeId):
        return f"output:{node.position}:{node.token_id}"
    return f"{node.module}:{node.position}:{node.index}"


def modules_for_short_name(short: ShortSubcomponentId, paths: Sequence[str]) -> list[str]:
    """The paths among `paths` that the short name describes: the layer number is the path's
    first number, a later part names a block of the short name's kind, and the last part is a
    leaf name that plays its role (compared without case). Several paths: it is ambiguous."""
    blocks = BLOCK_NAMES[short.block]
    leaves = ROLE_LEAVES[short.block][short.role]
    found = []
    for path in paths:
        parts = path.lower().split(".")
        layer_at = next((i for i, part in enumerate(parts) if _NATURAL.fullmatch(part)), None)
        if layer_at is None or int(parts[layer_at]) != short.layer:
            continue
        if parts[-1] in leaves and any(part in blocks for part in parts[layer_at + 1 : -1]):
            found.append(path)
    return found


def short_names_contract() -> dict[str, object]:
    """The short-name vocabulary as the editor reads it (protocol/shortNames.generated.json)."""
    return {
        "comment": "Generated from paramlens.ids by `python -m paramlens.contracts --write`.",
        "roles": {block: list(roles) for block, roles in CANONICAL_ROLES.items()},
        "blocks": {block: list(names) for block, names in BLOCK_NAMES.items()},
        "leaves": {
            block: {role: list(names) for role, names in roles.items()}
            for block, roles in ROLE_LEAVES.items()
        },
    }
