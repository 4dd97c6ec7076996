"""Analysis job kinds: their parameters become the command line their CLI command reads."""

import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from paramlens.cli import build_parser
from paramlens.commands.optimize_circuit import SETTING_FLAGS
from paramlens.serve.jobs.kinds import (
    ANALYSIS_KINDS,
    JOB_KINDS,
    EvalParams,
    GraphParams,
    OptimizeCircuitParams,
)
from paramlens.serve.jobs.resources import Resource

RUN_DIR = Path("/runs/some-run")


def _parsed(kind: str, params: BaseModel) -> dict[str, object]:
    """The job's command line as the CLI parses it, without running it."""
    argv = JOB_KINDS[kind].argv(RUN_DIR, params)
    assert argv[:4] == [sys.executable, "-m", "paramlens", kind]
    return vars(build_parser().parse_args(argv[3:]))


def test_graph_and_optimize_circuit_are_analysis_kinds() -> None:
    assert {"harvest", "export-onnx", "graph", "optimize-circuit", "eval"} <= set(ANALYSIS_KINDS)
    assert JOB_KINDS["graph"].starts_from == {"done"}


def test_an_eval_job_prints_its_metrics_as_json_and_writes_nothing() -> None:
    params = EvalParams(device="cpu")
    parsed = _parsed("eval", params)
    assert (parsed["run_dir"], parsed["json"], parsed["device"]) == (RUN_DIR, True, "cpu")
    assert JOB_KINDS["eval"].writes(params) == frozenset()
    with pytest.raises(ValidationError, match="device"):
        EvalParams(device="tpu")


def test_graph_params_reach_the_graph_command() -> None:
    params = GraphParams(prompt="-5 degrees and", id="cold", node_threshold=0.5)

    parsed = _parsed("graph", params)

    assert parsed["run_dir"] == RUN_DIR
    assert (parsed["prompt"], parsed["graph_id"], parsed["node_threshold"]) == (
        "-5 degrees and",
        "cold",
        0.5,
    )
    assert parsed["edge_threshold"] is None


def test_a_toy_input_reaches_the_graph_and_circuit_commands() -> None:
    """A toy run's graph and circuit jobs name the input's active features."""
    graph = GraphParams(features={3: 0.5, 1: 1.0})
    assert _parsed("graph", graph)["input"] == {1: 1.0, 3: 0.5}
    assert JOB_KINDS["graph"].writes(graph) == {Resource("graphs/features-1-3.graph.json")}

    circuit = OptimizeCircuitParams(features={2: 1.0}, target="4", all_outputs=True)
    parsed = _parsed("optimize-circuit", circuit)
    assert (parsed["input"], parsed["target"], parsed["all_outputs"]) == ({2: 1.0}, "4", True)
    writes = JOB_KINDS["optimize-circuit"].writes(circuit)
    assert writes == {Resource("graphs/circuit-features-2-output-4.graph.json")}


def test_every_optimize_circuit_option_reaches_the_command() -> None:
    settings = {field: 2 for field, _, _, _ in SETTING_FLAGS.values()}
    params = OptimizeCircuitParams(
        prompt="The cat sat on the",
        target=" mat",
        position=-1,
        ci_threshold=0.25,
        no_ci_only=True,
        id="mat",
        **settings,
    )

    parsed = _parsed("optimize-circuit", params)

    assert (parsed["prompt"], parsed["target"], parsed["position"]) == (
        "The cat sat on the",
        " mat",
        -1,
    )
    assert (parsed["ci_threshold"], parsed["no_ci_only"], parsed["graph_id"]) == (0.25, True, "mat")
    assert {field: parsed[field] for field in settings} == settings


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"target": " mat"}, "prompt (language models) or features (toy models)"),
        ({"prompt": "x", "features": {"1": 1}, "target": "2"}, "prompt (language models) or"),
        ({"prompt": "The cat", "target": " mat", "steps": 0}, "steps"),
        ({"prompt": "The cat", "target": " mat", "lr": 0}, "lr"),
        ({"prompt": "The cat", "target": " mat", "id": "../x"}, "id"),
        ({"prompt": "The cat", "target": " mat", "out": "/tmp"}, "out"),
    ],
)
def test_bad_optimize_circuit_params_are_refused(params: dict[str, object], field: str) -> None:
    """`field` names the one field to blame, or is a part of the message of a model-wide error."""
    with pytest.raises(ValidationError) as error:
        OptimizeCircuitParams.model_validate(params)
    (problem,) = error.value.errors()
    assert problem["loc"] == (field,) if problem["loc"] else field in problem["msg"]
