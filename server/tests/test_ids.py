"""IDs against the table shared with the TypeScript parser, plus Python-side details."""

import json
from pathlib import Path
from typing import Any

import pytest

from paramlens.ids import (
    ComponentNodeId,
    EmbedNodeId,
    NodeId,
    OutputNodeId,
    ShortSubcomponentId,
    SubcomponentId,
    format_node_id,
    format_short_subcomponent_id,
    format_subcomponent_id,
    parse_node_id,
    parse_short_subcomponent_id,
    parse_subcomponent_id,
)

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "protocol" / "ids.cases.json").read_text()
)


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
