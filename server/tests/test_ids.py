"""IDs against the table shared with the TypeScript parser, plus Python-side details."""

import json
from pathlib import Path
from typing import Any

import pytest

from paramlens.ids import (
    CANONICAL_ROLES,
    ROLE_LEAVES,
    ComponentNodeId,
    EmbedNodeId,
    NodeId,
    OutputNodeId,
    ShortSubcomponentId,
    SubcomponentId,
    format_node_id,
    format_short_subcomponent_id,
    format_subcomponent_id,
    is_graph_id,
    modules_for_short_name,
    parse_node_id,
    parse_short_subcomponent_id,
    parse_subcomponent_id,
)

PROTOCOL = Path(__file__).parents[2] / "protocol"
CASES: dict[str, Any] = json.loads((PROTOCOL / "ids.cases.json").read_text())
SHORT_NAME_CASES: list[dict[str, Any]] = json.loads(
    (PROTOCOL / "shortNames.cases.json").read_text()
)["cases"]


def expected_node(case: dict[str, Any]) -> NodeId:
    if case["kind"] == "embed":
        return EmbedNodeId(case["position"])
    if case["kind"] == "output":
        return OutputNodeId(case["position"], case["token_id"])
    assert case["kind"] == "component"
    return ComponentNodeId(case["module"], case["position"], case["index"])


@pytest.mark.parametrize("case", CASES["subcomponents"], ids=lambda case: case["text"])
def test_subcomponent_round_trip(case: dict[str, Any]) -> None:
    parsed = parse_subcomponent_id(case["text"])

    assert parsed == SubcomponentId(case["module"], case["index"])
    assert format_subcomponent_id(parsed) == case["text"]


@pytest.mark.parametrize("case", CASES["short"], ids=lambda case: case["text"])
def test_short_subcomponent_round_trip(case: dict[str, Any]) -> None:
    parsed = parse_short_subcomponent_id(case["text"])

    assert parsed == ShortSubcomponentId(case["layer"], case["block"], case["role"], case["index"])
    assert format_short_subcomponent_id(parsed) == case["text"]


@pytest.mark.parametrize("case", CASES["nodes"], ids=lambda case: case["text"])
def test_node_round_trip(case: dict[str, Any]) -> None:
    parsed = parse_node_id(case["text"])

    assert parsed == expected_node(case)
    assert format_node_id(parsed) == case["text"]


@pytest.mark.parametrize("text", CASES["invalid"])
def test_invalid_text_is_rejected_by_every_parser(text: str) -> None:
    with pytest.raises(ValueError, match=r"^invalid subcomponent ID"):
        parse_subcomponent_id(text)
    with pytest.raises(ValueError, match=r"^invalid short subcomponent ID"):
        parse_short_subcomponent_id(text)
    with pytest.raises(ValueError, match=r"^invalid node ID"):
        parse_node_id(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("h.2.mlp", "expected <module_path>:<index>"),
        ("h.2.mlp.down_proj:-1", "index must be a non-negative integer, got '-1'"),
        ("h.2.mlp.down_proj:07", "index must be a non-negative integer, got '07'"),
        ("h.2..mlp:3", "module path 'h.2..mlp' must be dot-separated names"),
        ("a:b:3", "module path 'a:b' must be"),
    ],
)
def test_subcomponent_error_says_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"invalid subcomponent ID '{text}': {reason}"):
        parse_subcomponent_id(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("h.2.mlp.down_proj:2359", "expected <layer>.<block>.<role>:<index>"),
        ("x.mlp.up:1", "layer must be a non-negative integer, got 'x'"),
        ("2.ffn.up:1", "block must be one of attn, attn_fused, mlp, glu, got 'ffn'"),
        ("2.mlp.q:1", "role of a mlp block must be one of up, down, got 'q'"),
    ],
)
def test_short_subcomponent_error_says_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"invalid short subcomponent ID '{text}': {reason}"):
        parse_short_subcomponent_id(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("embed:1:2", "expected embed:<position>"),
        ("output:7", "expected output:<position>:<token_id>"),
        ("output:7:x", "token_id must be a non-negative integer, got 'x'"),
        ("h.0.mlp:3", "expected <module_path>:<position>:<index>"),
    ],
)
def test_node_error_says_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"invalid node ID '{text}': {reason}"):
        parse_node_id(text)


def test_ids_cannot_be_built_invalid() -> None:
    with pytest.raises(ValueError, match="index must be >= 0"):
        SubcomponentId("h.0.mlp", -1)
    with pytest.raises(ValueError, match="names a pseudo-node"):
        ComponentNodeId("output", 0, 1)


@pytest.mark.parametrize(
    "case", SHORT_NAME_CASES, ids=lambda case: f"{case['short']} in {case['modules'][0]}"
)
def test_short_names_pick_the_same_modules_as_in_the_editor(case: dict[str, Any]) -> None:
    short = parse_short_subcomponent_id(f"{case['short']}:0")
    assert modules_for_short_name(short, case["modules"]) == case["expected"]


def test_every_canonical_role_has_leaf_names() -> None:
    assert {block: set(roles) for block, roles in ROLE_LEAVES.items()} == {
        block: set(roles) for block, roles in CANONICAL_ROLES.items()
    }
    assert all(names for roles in ROLE_LEAVES.values() for names in roles.values())


def test_graph_ids_as_the_editor_checks_them() -> None:
    assert all(is_graph_id(text) for text in CASES["graph_ids"]["valid"])
    assert not any(is_graph_id(text) for text in CASES["graph_ids"]["invalid"])
