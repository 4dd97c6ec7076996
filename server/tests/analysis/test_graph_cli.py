"""`paramlens graph` and `paramlens graph-import` on real runs: the short tiny-Llama run and a
seconds-long TMS run."""

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from lm_runs import TINY_LLAMA
from paramlens.analysis.graphs.graph_file import (
    AttributionGraph,
    ComponentNode,
    EmbedNode,
    OutputNode,
    read_graph,
)
from paramlens.analysis.graphs.interop import from_circuit_tracer
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.cli import main
from paramlens.runs.manifest import read_manifest

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def llama_run(short_llama_run: Path, tmp_path: Path) -> Path:
    """A copy of the short run's files that loading needs, so that written graphs stay here."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    for name in ("run.json", "config.yaml", "components.safetensors"):
        shutil.copy2(short_llama_run / name, run_dir / name)
    return run_dir


def test_a_finished_run_graphs_without_its_training_data(
    llama_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening a run reads the model and the weights, not the corpus: with the config's folder
    moved to one holding only the tokenizer, a graph still computes."""
    moved = tmp_path / "moved"
    (moved / "data").mkdir(parents=True)
    shutil.copy2(TINY_LLAMA.parent / "data" / "tokenizer.json", moved / "data" / "tokenizer.json")
    manifest = json.loads((llama_run / "run.json").read_text())
    manifest["base_dir"] = str(moved)
    (llama_run / "run.json").write_text(json.dumps(manifest))
    assert not list((moved / "data").glob("*.txt"))  # training.text.train matches nothing now

    code, out, err = run_cli(capsys, "graph", str(llama_run), "--prompt", "The cat", "--json")

    assert code == 0, err
    assert json.loads(out.splitlines()[-1])["component_nodes"] > 0


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_summary_matches(summary: dict[str, Any], graph: AttributionGraph) -> None:
    components = [node for node in graph.nodes if isinstance(node, ComponentNode)]
    outputs = sorted(
        (node for node in graph.nodes if isinstance(node, OutputNode)),
        key=lambda node: -node.probability,
    )
    assert summary["id"] == graph.id and summary["input_kind"] == graph.input_kind
    assert (summary["nodes"], summary["component_nodes"], summary["edges"]) == (
        len(graph.nodes),
        len(components),
        len(graph.edges),
    )
    assert [(o["token_id"], o["token"], o["probability"]) for o in summary["top_outputs"]] == [
        (node.token_id, node.token, node.probability) for node in outputs[:10]
    ]


def test_without_a_prompt_every_config_prompt_is_graphed(
    llama_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "graph", str(llama_run), "--json")
    assert code == 0, err
    (line,) = out.splitlines()  # the example config lists one prompt, named "cat"
    summary = json.loads(line)
    assert summary["path"] == str(llama_run / "graphs" / "cat.graph.json")
    graph = read_graph(Path(summary["path"]))
    assert_summary_matches(summary, graph)
    assert graph.prompt == "The cat sat on the mat" and graph.input_kind == "tokens"
    manifest = read_manifest(llama_run)
    assert (graph.run_id, graph.weights_step) == (manifest.run_id, manifest.step)
    assert graph.settings == GraphSettings()
    assert "".join(graph.tokens) == graph.prompt
    assert summary["component_nodes"] > 0 and summary["edges"] > 0
    assert all(node.activation is not None for node in graph.nodes if isinstance(node, OutputNode))
    assert [p.name for p in (llama_run / "graphs").iterdir()] == ["cat.graph.json"]


def test_a_prompt_with_thresholds_an_id_and_a_neuronpedia_export(
    llama_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "export" / "dog.json"
    args = ["--prompt", "The dog ran", "--id", "dog", "--ci-threshold", "0.5"]
    args += ["--node-threshold", "0.6", "--edge-threshold", "0.9"]
    code, out, err = run_cli(
        capsys, "graph", str(llama_run), *args, "--export-neuronpedia", str(exported)
    )
    assert code == 0, err
    assert out == f"{llama_run / 'graphs' / 'dog.graph.json'}\n"
    graph = read_graph(llama_run / "graphs" / "dog.graph.json")
    assert graph.settings == GraphSettings(ci_threshold=0.5, node_threshold=0.6, edge_threshold=0.9)
    assert all(node.ci > 0.5 for node in graph.nodes if isinstance(node, ComponentNode))
    assert from_circuit_tracer(json.loads(exported.read_text()), "dog") == graph

    code, out, err = run_cli(
        capsys, "graph-import", str(exported), "--run", str(llama_run), "--id", "imported"
    )
    assert code == 0, err
    imported = read_graph(Path(out.strip()))
    assert imported == graph.model_copy(update={"id": "imported"})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--features", "1"], "decomposes a language model: give --prompt TEXT"),
        (["--prompt", ""], "the prompt '' has no tokens"),
        (["--prompt", "a", "--id", "../up"], "graph id '../up' must be letters"),
    ],
)
def test_bad_requests_are_refused_with_what_to_give(
    llama_run: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, "graph", str(llama_run), *args)
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err
    assert not (llama_run / "graphs").exists()


def test_bad_arguments_and_directories_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["graph", str(tmp_path), "--ci-threshold", "1"])
    assert exit_info.value.code == 2
    assert "expected a number in [0, 1), got 1" in capsys.readouterr().err
    code, _, err = run_cli(capsys, "graph", str(tmp_path / "nothing"), "--prompt", "a")
    assert code == 2 and "is not a run directory: it has no run.json" in err
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    code, _, err = run_cli(capsys, "graph-import", str(tmp_path / "broken.json"), "--run", ".")
    assert code == 2 and "is not a run directory" in err


def test_a_toy_run_graphs_one_input_vector(
    toy_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "graph", str(toy_run), "--input", "1=1.0,3=0.5", "--json")
    assert code == 0, err
    summary = json.loads(out)
    graph = read_graph(Path(summary["path"]))
    assert_summary_matches(summary, graph)
    assert (graph.id, graph.input_kind, graph.prompt) == ("features-1-3", "features", "1=1, 3=0.5")
    # Feature i's input node is embed:i; the vector's subcomponents and outputs sit at its one
    # position, labelled by the input, and an output says it is one.
    embeds = [node for node in graph.nodes if isinstance(node, EmbedNode)]
    assert [(node.id, node.token, node.token_id, node.activation) for node in embeds] == [
        ("embed:1", "feature 1", 1, 1.0),
        ("embed:3", "feature 3", 3, 0.5),
    ]
    assert graph.tokens == ["1=1, 3=0.5"]
    outputs = [node for node in graph.nodes if isinstance(node, OutputNode)]
    assert outputs and all(node.position == 0 for node in outputs)
    assert all(node.token == f"output {node.token_id}" for node in outputs)
    assert {node.position for node in graph.nodes if isinstance(node, ComponentNode)} == {0}
    assert graph.modules == ["linear1", "linear2"]

    code, out, err = run_cli(capsys, "graph", str(toy_run), "--features", "2", "--id", "two")
    assert code == 0, err
    assert read_graph(Path(out.strip())).prompt == "2=1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "decomposes a toy model, which reads feature vectors: give --features I,J"),
        (["--prompt", "hello"], "decomposes a toy model, which reads feature vectors"),
        (["--features", "1,7"], "feature 7 is out of range: the model has 5"),
    ],
)
def test_a_toy_run_needs_an_input_in_range(
    toy_run: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run_cli(capsys, "graph", str(toy_run), *args)
    assert code == 2 and message in err
