import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from paramlens.analysis.graphs import build_graph
from paramlens.analysis.graphs.graph_file import (
    AttributionGraph,
    ComponentNode,
    EmbedNode,
    OutputNode,
    graph_json,
    parse_graph,
    read_graph,
)
from paramlens.analysis.graphs.interop import cantor_pair, from_circuit_tracer, to_circuit_tracer
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.analysis.inputs import TokenInputs
from paramlens.decomp.ci_transformer import GlobalTransformerCI
from paramlens.decomp.component_model import ComponentModel

from .test_graph_file import EXAMPLE, word_tokenizer

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = FIXTURES / "neuronpedia-graph-schema.json"
# The published schema's hash (fixtures/README.md says where it comes from).
SCHEMA_SHA256 = "115c418bc7f6ad2a982f638c2b3fa260913a8f23e6789293f4cc293d614e59c1"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def built(llama_model: tuple[ComponentModel, GlobalTransformerCI]) -> AttributionGraph:
    model, ci_fn = llama_model
    settings = GraphSettings(ci_threshold=0.3, output_positions="all")
    inputs = TokenInputs(word_tokenizer())
    return build_graph(model, ci_fn, inputs, inputs.prompt("a cat ran"), settings, run_id="run-7")


def test_the_schema_copy_is_the_published_schema_unchanged() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_an_export_is_a_valid_circuit_tracer_graph(
    built: AttributionGraph, schema: dict[str, Any]
) -> None:
    exported = to_circuit_tracer(built)
    jsonschema.validate(json.loads(json.dumps(exported)), schema)
    assert exported["metadata"]["scan"] == "run-7"
    assert exported["metadata"]["prompt_tokens"] == ["a", "cat", "ran"]
    by_id = {node["node_id"]: node for node in exported["nodes"]}
    first = next(node for node in built.nodes if isinstance(node, ComponentNode))
    row = built.modules.index(first.module)
    feature = by_id[f"{row}_{first.component}_{first.position}"]
    assert feature["feature"] == cantor_pair(row, first.component)
    assert (feature["layer"], feature["feature_type"]) == (str(row), "cross layer transcoder")
    assert by_id["E_5_0"]["feature_type"] == "embedding"  # "a" is token 5
    logits = [node for node in exported["nodes"] if node["feature_type"] == "logit"]
    assert {node["layer"] for node in logits} == {str(len(built.modules) + 1)}
    assert sum(node["is_target_logit"] for node in logits) == 3  # one per position
    assert len(exported["links"]) == len(built.edges)


def test_an_export_imports_as_the_same_graph_field_for_field(
    built: AttributionGraph, schema: dict[str, Any]
) -> None:
    graph = built.model_copy(update={"weights_step": 400})
    exported = json.loads(json.dumps(to_circuit_tracer(graph)))
    jsonschema.validate(exported, schema)
    assert from_circuit_tracer(exported, graph_id=graph.id) == graph  # CI and activations too


def test_importing_an_export_gives_back_the_graph(built: AttributionGraph) -> None:
    exported = json.loads(json.dumps(to_circuit_tracer(built)))
    imported = from_circuit_tracer(exported)
    assert (len(imported.nodes), len(imported.edges)) == (len(built.nodes), len(built.edges))
    assert imported.modules == built.modules
    assert {node.id for node in imported.nodes} == {node.id for node in built.nodes}
    assert imported.settings == built.settings and imported.run_id == "run-7"
    weights = {(edge.source, edge.target): edge.weight for edge in built.edges}
    assert {(e.source, e.target): e.weight for e in imported.edges} == weights
    outputs = {node.id: node for node in built.nodes if isinstance(node, OutputNode)}
    for node in imported.nodes:
        if isinstance(node, OutputNode):
            assert node.token == outputs[node.id].token


MINIMAL = json.loads((FIXTURES / "circuit-tracer-minimal.json").read_text(encoding="utf-8"))


def test_a_hand_written_circuit_tracer_graph_imports(
    schema: dict[str, Any], tmp_path: Path
) -> None:
    jsonschema.validate(MINIMAL, schema)
    graph = from_circuit_tracer(MINIMAL)
    assert graph.id == "cat-hat-demo" and graph.prompt == "The cat"
    assert graph.modules == ["layer0", "layer0_error", "layer1"]
    nodes = {node.id: node for node in graph.nodes}
    feature = nodes["layer0:1:253"]
    assert isinstance(feature, ComponentNode)
    assert (feature.label, feature.ci, feature.activation, feature.influence) == (
        "feline things",
        1.0,
        9.5,
        0.4,
    )
    assert "layer1:2:17" in nodes and "layer0_error:1:0" in nodes
    embed = nodes["embed:1"]
    assert isinstance(embed, EmbedNode) and (embed.token, embed.token_id) == ("The", 651)
    output = nodes["output:2:1234"]
    assert isinstance(output, OutputNode)
    assert (output.token, output.probability) == (" sat", 0.412)
    assert [(edge.source, edge.target) for edge in graph.edges] == [
        ("embed:1", "layer0:1:253"),
        ("layer0_error:1:0", "layer1:2:17"),
        ("layer0:1:253", "layer1:2:17"),
        ("layer1:2:17", "output:2:1234"),
    ]
    assert parse_graph(graph_json(graph), "imported") == graph  # a valid ParamLens graph file


def test_foreign_feature_ids_get_running_component_indices() -> None:
    data = json.loads(json.dumps(MINIMAL))
    data["nodes"][2]["node_id"] = "lorsa-feature-a"
    data["links"][0]["target"] = data["links"][2]["source"] = "lorsa-feature-a"
    graph = from_circuit_tracer(data, graph_id="mine")
    assert graph.id == "mine"
    assert "layer0:1:0" in {node.id for node in graph.nodes}


def test_broken_circuit_tracer_graphs_name_the_problem() -> None:
    with pytest.raises(ValueError, match=r"not a circuit-tracer graph: metadata\.prompt: Field"):
        from_circuit_tracer({**MINIMAL, "metadata": {"slug": "x", "prompt_tokens": []}})
    dangling = {**MINIMAL, "links": [{"source": "E_2_0", "target": "nowhere", "weight": 1.0}]}
    with pytest.raises(ValueError, match=r"links\[0\]: node 'nowhere' is not in nodes"):
        from_circuit_tracer(dangling)


def test_hand_written_graphs_without_token_ids_cannot_be_exported() -> None:
    with pytest.raises(ValueError, match="embed node embed:0 has no token_id"):
        to_circuit_tracer(read_graph(EXAMPLE))
