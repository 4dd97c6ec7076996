import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers

from paramlens.analysis.graphs import build_graph
from paramlens.analysis.graphs.build import slug
from paramlens.analysis.graphs.graph_file import (
    AttributionGraph,
    ComponentNode,
    EmbedNode,
    GraphFileError,
    graph_json,
    graph_path,
    read_graph,
    write_graph,
)
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.analysis.inputs import TokenInputs
from paramlens.decomp.ci_transformer import GlobalTransformerCI
from paramlens.decomp.component_model import ComponentModel

from .conftest import VOCAB

REPO = Path(__file__).resolve().parents[4]
EXAMPLE = REPO / "examples" / "tiny.graph.json"
WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran"]

LlamaModel = tuple[ComponentModel, GlobalTransformerCI]


def word_tokenizer() -> Tokenizer:
    """One token per word; VOCAB entries so that every id is one the tiny Llama knows."""
    vocab = {word: i for i, word in enumerate(WORDS + [f"w{i}" for i in range(VOCAB - 9)])}
    vocab["<unk>"] = VOCAB - 1
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    return tokenizer


@pytest.fixture
def built(llama_model: LlamaModel) -> AttributionGraph:
    model, ci_fn = llama_model
    settings = GraphSettings(ci_threshold=0.3)
    inputs = TokenInputs(word_tokenizer())
    return build_graph(
        model, ci_fn, inputs, inputs.prompt("the cat sat on the mat"), settings, run_id="r1"
    )


def test_the_example_graph_reads(tmp_path: Path) -> None:
    graph = read_graph(EXAMPLE)
    assert graph.id == "tiny-cat-sat" and len(graph.nodes) == 49
    write_graph(graph, tmp_path / "copy.graph.json")
    assert read_graph(tmp_path / "copy.graph.json") == graph


def test_a_built_graph_round_trips_through_its_file(
    built: AttributionGraph, tmp_path: Path
) -> None:
    assert built.tokens == ["the", "cat", "sat", "on", "the", "mat"]
    assert built.id == "the-cat-sat-on-the-mat" and built.run_id == "r1"
    assert built.settings == GraphSettings(ci_threshold=0.3)
    kinds = {node.kind for node in built.nodes}
    assert kinds == {"component", "embed", "output"} and built.edges
    embeds = [node for node in built.nodes if isinstance(node, EmbedNode)]
    assert [node.token_id for node in embeds] == [0, 1, 2, 3, 0, 4]
    components = [node for node in built.nodes if isinstance(node, ComponentNode)]
    assert all(node.influence is not None and 0 < node.influence <= 1 for node in components)

    path = graph_path(tmp_path / "run", built.id)
    assert path == tmp_path / "run" / "graphs" / "the-cat-sat-on-the-mat.graph.json"
    write_graph(built, path)
    assert read_graph(path) == built
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    raw = json.loads(path.read_text(encoding="utf-8"))
    fields = ["format_version", "id", "prompt", "tokens", "modules", "nodes", "edges"]
    assert list(raw) == [*fields, "input_kind", "run_id", "settings"]
    assert raw["format_version"] == 1 and raw["input_kind"] == "tokens"
    assert "label" not in raw["nodes"][-1]  # absent optional fields are left out
    assert graph_json(built).count("\n") == 14 + len(built.nodes) + len(built.edges)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda g: g["nodes"][7].update(ci=1.5), r"nodes\[7\]\.ci: Input should be less than"),
        (lambda g: g["nodes"][8].update(id="x"), r"nodes\[8\]: id 'x' does not match"),
        (lambda g: g["nodes"][0].update(kind="feature"), r"nodes\[0\]: Input tag 'feature'"),
        (lambda g: g["edges"][3].update(target="nope"), r"edges\[3\]\.target: 'nope' is not in"),
        (lambda g: g.update(format_version=2), r"format_version: Input should be 1"),
        (lambda g: g["nodes"][7].pop("activation"), r"nodes\[7\]\.activation: Field required"),
        (
            lambda g: g["nodes"][7].update(module="h.9.mlp", id="h.9.mlp:1:203"),
            r"nodes\[7\]\.module: 'h.9.mlp' is not in modules",
        ),
        (lambda g: g.update(id="../x"), r"id: String should match pattern"),
    ],
)
def test_bad_files_name_the_field(
    tmp_path: Path, edit: Callable[[dict[str, Any]], object], message: str
) -> None:
    graph = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    edit(graph)
    path = tmp_path / "bad.graph.json"
    path.write_text(json.dumps(graph), encoding="utf-8")
    with pytest.raises(GraphFileError, match=message) as error:
        read_graph(path)
    assert str(error.value).startswith(f"{path}: ")


def test_unreadable_files_say_why(tmp_path: Path) -> None:
    (tmp_path / "broken.graph.json").write_text("{", encoding="utf-8")
    with pytest.raises(GraphFileError, match="not valid JSON"):
        read_graph(tmp_path / "broken.graph.json")
    with pytest.raises(GraphFileError, match="cannot read"):
        read_graph(tmp_path / "missing.graph.json")
    with pytest.raises(ValueError, match="graph id '.hidden' must be"):
        graph_path(tmp_path, ".hidden")


def test_graph_ids_from_prompts_are_file_names() -> None:
    assert slug("The cat sat on the mat!") == "the-cat-sat-on-the-mat"
    assert slug("¿¡") == "graph"
    assert len(slug("word " * 40)) <= 48


def test_an_empty_prompt_is_refused() -> None:
    with pytest.raises(ValueError, match="has no tokens"):
        TokenInputs(word_tokenizer()).prompt("   ")
