"""Post-hoc CI pruning, one implementation, on the short tiny-Llama run and a toy (TMS 5-2) run:
a smaller circuit, probabilities (output values) that agree with direct masked forwards, its
graph with its record, and the `paramlens optimize-circuit` command."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from paramlens.analysis.circuit import CircuitResult, find_circuit
from paramlens.analysis.circuit.faithfulness import adversarial_output, ci_masked_output
from paramlens.analysis.circuit.target import CircuitTarget, FeatureTarget, resolve_target
from paramlens.analysis.graphs.graph_file import (
    AttributionGraph,
    CircuitRecord,
    ComponentNode,
    EmbedNode,
    FeatureCircuitRecord,
    OutputNode,
    read_graph,
)
from paramlens.analysis.graphs.settings import CircuitSettings
from paramlens.analysis.inputs import FeatureInputs, TokenInputs
from paramlens.cli import main
from paramlens.commands.optimize_circuit import SETTING_FLAGS
from paramlens.core.loaded_run import LoadedRun, load_run
from paramlens.decomp.ci_functions import causal_importance
from paramlens.devices import single_thread

# The target model puts p ≈ 0.94 on "," here.
PROMPT = "And the LORD spake unto Moses, saying"
TARGET = ","
SETTINGS = CircuitSettings(steps=40, lr=0.1, eval_samples=16, eval_pgd_steps=10)


@pytest.fixture(scope="module")
def run(short_llama_run: Path) -> Iterator[LoadedRun]:
    with single_thread():
        yield load_run(short_llama_run, "cpu")


@pytest.fixture(scope="module")
def inputs(run: LoadedRun) -> TokenInputs:
    assert run.tokenizer is not None
    return TokenInputs(run.tokenizer)


@pytest.fixture(scope="module")
def circuit(run: LoadedRun, inputs: TokenInputs) -> AttributionGraph:
    d = run.decomposition
    prompt = inputs.prompt(PROMPT)
    return find_circuit(
        d.model, d.ci_fn, inputs, prompt, TARGET, SETTINGS, run_id="short", weights_step=6
    )


@pytest.fixture(scope="module")
def target(inputs: TokenInputs) -> CircuitTarget:
    return resolve_target(inputs, inputs.prompt(PROMPT).batch, TARGET)


def token_record(graph: AttributionGraph) -> CircuitRecord:
    assert isinstance(graph.circuit, CircuitRecord)
    return graph.circuit


def run_ci(run: LoadedRun, target: CircuitTarget) -> dict[str, torch.Tensor]:
    d = run.decomposition
    with torch.no_grad():
        inputs = d.model(target.token_ids, cache=["inputs"]).inputs
        lower = causal_importance(d.ci_fn(inputs, d.model.components_by_path)).lower
    return {path: g[0] for path, g in lower.items()}


def direct_probability(
    run: LoadedRun, target: CircuitTarget, masks: dict[str, torch.Tensor]
) -> float:
    """p(target) from the component model with `masks` (T, C) and Δ off, computed here."""
    with torch.no_grad():
        logits = run.decomposition.model(
            target.token_ids, masks={path: mask[None] for path, mask in masks.items()}
        ).output
    return float(torch.softmax(logits[0, target.position].double(), -1)[target.token_id])


def test_the_optimised_circuit_is_smaller_than_the_runs_ci(circuit: AttributionGraph) -> None:
    record = token_record(circuit)
    assert (record.target_token, record.position) == (",", 7)
    assert record.target_probability > 0.5
    assert 0 < record.optimized.nodes < record.original.nodes
    assert record.ci_only is not None and record.ci_only.nodes < record.original.nodes
    assert record.settings == SETTINGS


def test_the_graph_holds_the_circuit_and_the_target(circuit: AttributionGraph) -> None:
    record = token_record(circuit)
    components = [node for node in circuit.nodes if isinstance(node, ComponentNode)]
    assert len(components) == record.optimized.nodes
    assert all(node.ci > SETTINGS.ci_threshold for node in components)
    (output,) = [node for node in circuit.nodes if isinstance(node, OutputNode)]
    assert (output.position, output.token_id) == (record.position, record.target_token_id)
    assert output.probability == pytest.approx(record.target_probability)
    assert len([node for node in circuit.nodes if isinstance(node, EmbedNode)]) == 8
    assert (
        circuit.edges
        and circuit.id == f"circuit-and-the-lord-spake-unto-moses-saying-7-{output.token_id}"
    )
    assert circuit.settings is not None and circuit.settings.node_threshold == 1.0


def test_probabilities_agree_with_direct_masked_forwards(
    run: LoadedRun, target: CircuitTarget, circuit: AttributionGraph
) -> None:
    record = token_record(circuit)
    ci = run_ci(run, target)
    model = run.decomposition.model
    assert record.original.ci_masked == pytest.approx(direct_probability(run, target, ci), rel=1e-5)
    every_alive = {path: (g > 0).float() for path, g in ci.items()}
    probability = float(target.log_probability(ci_masked_output(model, target, every_alive)).exp())
    assert probability == pytest.approx(direct_probability(run, target, every_alive), rel=1e-5)


def test_the_adversary_does_worse_than_random_ablation(circuit: AttributionGraph) -> None:
    """A fixed seed: PGD starts from one random draw and ascends the target's cross-entropy, so
    it ends below the mean over random draws unless the masks barely matter."""
    record = token_record(circuit)
    for probabilities in (record.optimized, record.original, record.ci_only):
        assert probabilities is not None
        assert probabilities.adversarial <= probabilities.stochastic


def test_the_adversary_moves_only_alive_sources(run: LoadedRun, target: CircuitTarget) -> None:
    """With nothing alive the adversary has nothing to move: its probability is the one of the
    random draw it starts from."""
    ci = run_ci(run, target)
    model = run.decomposition.model
    dead = {path: torch.zeros_like(g, dtype=torch.bool) for path, g in ci.items()}
    moved = adversarial_output(model, target, ci, dead, 5, 0.5, torch.Generator().manual_seed(3))
    still = adversarial_output(model, target, ci, dead, 0, 0.5, torch.Generator().manual_seed(3))
    torch.testing.assert_close(moved, still, rtol=1e-6, atol=0)


@pytest.mark.parametrize(
    ("target_text", "position", "message"),
    [
        (" LORD spake", None, r"the target ' LORD spake' is 2 tokens \(' LORD', ' spake'\)"),
        ("", None, "is 0 tokens"),
        (",", 8, "position 8 is outside the prompt's 8 tokens"),
    ],
)
def test_a_target_must_be_one_token_at_a_prompt_position(
    inputs: TokenInputs, target_text: str, position: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        resolve_target(inputs, inputs.prompt(PROMPT).batch, target_text, position)


def test_the_command_prints_the_three_probabilities_and_writes_the_graph(
    short_llama_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    for name in ("run.json", "config.yaml", "components.safetensors"):
        shutil.copy2(short_llama_run / name, run_dir / name)
    args = ["optimize-circuit", str(run_dir), "--prompt", PROMPT, "--target", TARGET]
    args += ["--steps", "3", "--eval-samples", "4", "--eval-pgd-steps", "2", "--id", "comma"]
    args += ["--ci-threshold", "0.5"]  # three steps prune little: keep the graph small
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        "target ',' after 'And the LORD spake unto Moses, saying' (position 7)"
    )
    assert out[1].split() == ["circuit", "nodes", "CI-masked", "stochastic", "adversarial"]
    assert [line.split()[0] for line in out[2:5]] == ["optimised", "CI-only", "run's"]
    assert out[5] == str(run_dir / "graphs" / "comma.graph.json")
    graph = read_graph(run_dir / "graphs" / "comma.graph.json")
    assert token_record(graph).settings.steps == 3

    assert main([*args, "--no-ci-only", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["circuit"]["ci_only"] is None and result["graph_id"] == "comma"
    assert result["graph_nodes"] == len(read_graph(Path(result["path"])).nodes)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", " LORD spake"], "is 2 tokens"),
        (["--target", ",", "--position", "-9"], "position -9 is outside"),
        (["--target", ",", "--steps", "0"], "--steps: Input should be greater than or equal to 1"),
    ],
)
def test_the_command_refuses_bad_targets_and_settings(
    short_llama_run: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main(["optimize-circuit", str(short_llama_run), "--prompt", PROMPT, *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_the_help_shows_the_settings_defaults() -> None:
    defaults = CircuitSettings()
    for flag, (field, kind, default, _) in SETTING_FLAGS.items():
        assert getattr(defaults, field) == default and isinstance(default, kind), flag
    # --ci-threshold and --no-ci-only set two more; the lr schedule's shape has no flags
    others = {"ci_threshold", "compare_ci_only", "lr_warmup_frac", "lr_final_frac", "weight_decay"}
    flagged = {field for field, *_ in SETTING_FLAGS.values()}
    assert flagged | others == set(CircuitSettings.model_fields)


# ---- toy models: one output on one input vector ----

TOY_INPUT = {1: 1.0, 3: 0.5}
TOY_OUTPUT = 1


@pytest.fixture(scope="module")
def toy(toy_run: Path) -> LoadedRun:
    return load_run(toy_run, "cpu")


@pytest.fixture(scope="module")
def toy_circuit(toy: LoadedRun) -> tuple[AttributionGraph, FeatureCircuitRecord]:
    d = toy.decomposition
    inputs = FeatureInputs(5)
    graph = find_circuit(d.model, d.ci_fn, inputs, inputs.vector(TOY_INPUT), TOY_OUTPUT, SETTINGS)
    assert isinstance(graph.circuit, FeatureCircuitRecord)
    return graph, graph.circuit


def _toy_x() -> torch.Tensor:
    x = torch.zeros(1, 5)
    for feature, value in TOY_INPUT.items():
        x[0, feature] = value
    return x


def test_a_toy_circuit_reports_three_values_and_is_no_larger_than_the_runs_ci(
    toy: LoadedRun, toy_circuit: tuple[AttributionGraph, FeatureCircuitRecord]
) -> None:
    _, record = toy_circuit
    d = toy.decomposition
    x = _toy_x()
    with torch.no_grad():
        clean = d.model(x, cache=["inputs"])
        ci = causal_importance(d.ci_fn(clean.inputs, d.model.components_by_path)).lower
        masked = d.model(x, masks=ci).output[0]
    assert record.target_value == pytest.approx(float(clean.output[0, TOY_OUTPUT]))
    assert record.original.nodes == sum(int((g > 0).sum()) for g in ci.values())
    assert record.optimized.nodes <= record.original.nodes
    assert record.ci_only is not None and record.ci_only.nodes <= record.original.nodes
    assert record.original.ci_masked == pytest.approx(float(masked[TOY_OUTPUT]), abs=1e-6)
    mse = float(((masked - clean.output[0]) ** 2).mean())
    assert record.original.ci_masked_mse == pytest.approx(mse, rel=1e-5)
    for values in (record.optimized, record.original, record.ci_only):
        assert values.adversarial_mse >= 0 and values.stochastic_mse >= 0


def test_a_toy_adversary_raises_the_outputs_squared_error(
    toy: LoadedRun, toy_circuit: tuple[AttributionGraph, FeatureCircuitRecord]
) -> None:
    """A fixed seed: PGD starts from one random draw and ascends the target output's squared
    error, so it ends above where it started."""
    d = toy.decomposition
    x = _toy_x()
    with torch.no_grad():
        clean = d.model(x, cache=["inputs"])
        logits = d.ci_fn(clean.inputs, d.model.components_by_path)
    ci = {path: g[0] for path, g in causal_importance(logits).lower.items()}
    alive = {path: z[0] > 0 for path, z in logits.items()}
    target = FeatureTarget(x, TOY_OUTPUT, clean.output[0])
    errors = [
        float(
            target.loss(
                adversarial_output(d.model, target, ci, alive, steps, 0.1, torch.Generator())
            )
        )
        for steps in (0, 10)
    ]
    assert errors[1] >= errors[0]


def test_a_toy_circuits_graph_is_a_feature_graph_of_the_target_output(
    toy_circuit: tuple[AttributionGraph, FeatureCircuitRecord],
) -> None:
    graph, record = toy_circuit
    assert graph.input_kind == "features" and graph.prompt == "1=1, 3=0.5"
    assert graph.id == f"circuit-features-1-3-output-{TOY_OUTPUT}" and graph.circuit == record
    components = [node for node in graph.nodes if isinstance(node, ComponentNode)]
    assert len(components) == record.optimized.nodes
    (output,) = [node for node in graph.nodes if isinstance(node, OutputNode)]
    assert (output.token_id, output.token) == (TOY_OUTPUT, f"output {TOY_OUTPUT}")
    assert [node.token for node in graph.nodes if isinstance(node, EmbedNode)] == [
        "feature 1",
        "feature 3",
    ]


def test_the_command_on_a_toy_prints_both_tables_and_writes_the_graph(
    toy_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["optimize-circuit", str(toy_run), "--input", "1=1,3=0.5", "--target", "1"]
    args += ["--steps", "5", "--eval-samples", "4", "--eval-pgd-steps", "2", "--id", "toy"]

    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("output 1 on input 1=1, 3=0.5: ")
    assert out[0].endswith(" in the target model (loss: squared error of output 1)")
    assert out[1].split() == ["output", "1", "nodes", "CI-masked", "stochastic", "adversarial"]
    assert [line.split()[0] for line in out[2:5]] == ["optimised", "CI-only", "run's"]
    assert out[5].split()[:3] == ["output", "MSE", "nodes"]
    assert out[9] == str(toy_run / "graphs" / "toy.graph.json")
    assert read_graph(toy_run / "graphs" / "toy.graph.json").input_kind == "features"

    assert main([*args, "--all-outputs", "--no-ci-only", "--json"]) == 0
    result = CircuitResult.model_validate_json(capsys.readouterr().out)
    assert isinstance(result.circuit, FeatureCircuitRecord)
    assert result.circuit.all_outputs and result.circuit.ci_only is None
    assert result.graph_nodes == len(read_graph(Path(result.path)).nodes)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--features", "1", "--target", "5"], "target output 5 is out of range"),
        (["--features", "1", "--target", "x"], "is an output index (0, 1, …), got 'x'"),
        (["--features", "1", "--target", "1", "--position", "0"], "has no positions"),
        (["--features", "9", "--target", "1"], "feature 9 is out of range"),
        (["--prompt", "hi", "--target", "1"], "decomposes a toy model"),
    ],
)
def test_the_command_refuses_bad_toy_input(
    toy_run: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main(["optimize-circuit", str(toy_run), *args, "--steps", "1"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
