"""The kinds of job the server runs, each as a command in a worker process of its own.

A worker process rather than a thread or a fork of the server: a job that runs out of
memory, segfaults in native code or hangs in a CUDA call takes only itself down, the server
stops it with a signal, and its output arrives as plain lines. An analysis command of the
CLI becomes a job kind with one `_cli_kind` entry: its parameters are the command's options,
checked by a pydantic model before anything starts, and its `writes` the files it writes, so
that jobs writing different files can run on one run at once (`resources.py`).
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import torch
from pydantic import BaseModel, ConfigDict, Field, model_validator

from paramlens.analysis.export.sidecar import MODEL_FILE, TOKENIZER_FILE
from paramlens.analysis.graphs.build import features_graph_id, slug
from paramlens.analysis.graphs.graph_file import GRAPH_SUFFIX, GRAPHS_DIR
from paramlens.analysis.harvest.schema import DATABASE_FILE
from paramlens.analysis.harvest.state import STATE_FILE
from paramlens.ids import GRAPH_ID_PATTERN
from paramlens.runs.layout import RUN_FILE
from paramlens.runs.manifest import RESUMABLE
from paramlens.serve.jobs.resources import Resource

JobArgv = Callable[[Path, BaseModel], list[str]]
JobWrites = Callable[[BaseModel], frozenset[Resource]]


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HarvestParams(BaseModel):
    """Options of `paramlens harvest` (same names, with underscores)."""

    model_config = ConfigDict(extra="forbid")

    tokens: int | None = Field(default=None, ge=1)
    batches: int | None = Field(default=None, ge=1)
    batch_size: int | None = Field(default=None, ge=1)
    top_k: int | None = Field(default=None, ge=1)
    context: int | None = Field(default=None, ge=0)
    ci_threshold: float | None = Field(default=None, ge=0, le=1)
    commit_every: int | None = Field(default=None, ge=1)
    force: bool = False


class EvalParams(BaseModel):
    """Options of `paramlens eval`, which prints its metrics as one JSON line (`--json`): the
    job's last `log` event. It writes nothing."""

    model_config = ConfigDict(extra="forbid")

    device: str | None = Field(default=None, pattern=r"^(auto|cpu|cuda(:\d+)?)$")


class ExportOnnxParams(BaseModel):
    """Options of `paramlens export-onnx`; the model always goes into the run directory."""

    model_config = ConfigDict(extra="forbid")

    opset: int | None = Field(default=None, ge=18)


_MAX_PROMPT_CHARS = 100_000


# A toy model's input: feature index -> value, every other feature 0 (`--input` of the CLI).
FeatureInput = dict[Annotated[int, Field(ge=0)], float]


class GraphParams(BaseModel):
    """Options of `paramlens graph`: a prompt (language models) or the active features of an
    input (toy models); without either it graphs every prompt of the config's
    `analysis.prompts`."""

    model_config = ConfigDict(extra="forbid")

    prompt: str | None = Field(default=None, min_length=1, max_length=_MAX_PROMPT_CHARS)
    features: FeatureInput | None = Field(
        default=None, min_length=1, description="Toy models: the input's active features."
    )
    id: str | None = Field(default=None, pattern=GRAPH_ID_PATTERN)
    ci_threshold: float | None = Field(default=None, ge=0, lt=1)
    node_threshold: float | None = Field(default=None, ge=0, le=1)
    edge_threshold: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _one_input(self) -> "GraphParams":
        if self.prompt is not None and self.features is not None:
            raise ValueError("give a prompt (language models) or features (toy models), not both")
        return self


class OptimizeCircuitParams(BaseModel):
    """Options of `paramlens optimize-circuit`; the bounds are those of `CircuitSettings`."""

    model_config = ConfigDict(extra="forbid")

    prompt: str | None = Field(default=None, min_length=1, max_length=_MAX_PROMPT_CHARS)
    features: FeatureInput | None = Field(
        default=None, min_length=1, description="Toy models: the input's active features."
    )
    target: str = Field(
        min_length=1,
        max_length=1000,
        description="The token to keep predicting; toy models: the output index to preserve.",
    )
    all_outputs: bool = Field(
        default=False, description="Toy models: the loss covers every output, not only target's."
    )
    position: int | None = None
    steps: int | None = Field(default=None, ge=1)
    lr: float | None = Field(default=None, gt=0)
    stochastic_coeff: float | None = Field(default=None, ge=0)
    pgd_coeff: float | None = Field(default=None, ge=0)
    pgd_steps: int | None = Field(default=None, ge=1)
    pgd_step_size: float | None = Field(default=None, gt=0)
    importance_coeff: float | None = Field(default=None, ge=0)
    p: float | None = Field(default=None, gt=0)
    beta: float | None = Field(default=None, ge=0)
    eval_samples: int | None = Field(default=None, ge=1)
    eval_pgd_steps: int | None = Field(default=None, ge=1)
    eval_pgd_step_size: float | None = Field(default=None, gt=0)
    seed: int | None = None
    ci_threshold: float | None = Field(default=None, ge=0, lt=1)
    no_ci_only: bool = False
    id: str | None = Field(default=None, pattern=GRAPH_ID_PATTERN)

    @model_validator(mode="after")
    def _one_input(self) -> "OptimizeCircuitParams":
        if (self.prompt is None) == (self.features is None):
            raise ValueError("give a prompt (language models) or features (toy models)")
        return self


@dataclass(frozen=True)
class JobKind:
    name: str
    starts_from: frozenset[str]  # run statuses the job may start from
    # Its worker records the run's status in run.json (the server mends it if the worker
    # dies without doing so), and stops at the end of a step when its stdin closes.
    trains: bool
    params: type[BaseModel]
    argv: JobArgv  # the worker's command line, from the run directory and the parameters
    writes: JobWrites  # what a job with these parameters writes in the run directory


def _decompose_argv(run_dir: Path, params: BaseModel) -> list[str]:
    return [sys.executable, "-m", "paramlens.serve.jobs.decompose_worker", str(run_dir)]


def _cli_argv(command: str) -> JobArgv:
    """`python -m paramlens <command> RUN_DIR --option=value …` from the parameters.

    One `--option=value` argument rather than two, so that a value starting with a dash (a
    prompt, a negative position) is not read as an option."""

    def argv(run_dir: Path, params: BaseModel) -> list[str]:
        args = [sys.executable, "-m", "paramlens", command, str(run_dir)]
        for name, value in params.model_dump(exclude_none=True).items():
            flag = "--" + name.replace("_", "-")
            if name == "features":
                args.append("--input=" + ",".join(f"{i}={v!r}" for i, v in value.items()))
            elif value is True:
                args.append(flag)
            elif value is not False:
                args.append(f"{flag}={value}")
        return args

    return argv


def _cli_kind(command: str, params: type[BaseModel], writes: JobWrites, *extra: str) -> JobKind:
    """A CLI command on a finished run; `extra` arguments follow the parameters' options."""
    argv = _cli_argv(command)
    return JobKind(
        command,
        frozenset({"done"}),
        False,
        params,
        lambda run_dir, given: [*argv(run_dir, given), *extra],
        writes,
    )


def _fixed(*resources: Resource) -> JobWrites:
    return lambda params: frozenset(resources)


def _graph_file(graph_id: str) -> Resource:
    return Resource(f"{GRAPHS_DIR}/{graph_id}{GRAPH_SUFFIX}")


def _graph_writes(params: BaseModel) -> frozenset[Resource]:
    """Its `id`, else the slug of its prompt (graphs/build.py); without a prompt it graphs
    every prompt of the config, under names read from it: any graph."""
    assert isinstance(params, GraphParams)
    if params.id is not None:
        return frozenset({_graph_file(params.id)})
    if params.prompt is not None:
        return frozenset({_graph_file(slug(params.prompt))})
    if params.features is not None:
        return frozenset({_graph_file(features_graph_id(params.features))})
    return frozenset({Resource(f"{GRAPHS_DIR}/", prefix=True)})


def _circuit_writes(params: BaseModel) -> frozenset[Resource]:
    """Its `id`, else `circuit-<slug of the prompt>-<position>-<token id>`, whose end only
    tokenizing the target tells (analysis/circuit/run_circuit.py)."""
    assert isinstance(params, OptimizeCircuitParams)
    if params.id is not None:
        return frozenset({_graph_file(params.id)})
    if params.features is not None:
        stem = f"circuit-{features_graph_id(params.features)}-output-{params.target}"
        return frozenset({_graph_file(stem)})
    assert params.prompt is not None
    return frozenset({Resource(f"{GRAPHS_DIR}/circuit-{slug(params.prompt)}-", prefix=True)})


# Training rewrites checkpoints, metrics and run.json, and analysis jobs read its weights:
# it runs alone on its run.
DECOMPOSE = JobKind(
    name="decompose",
    starts_from=frozenset({"queued", *RESUMABLE}),
    trains=True,
    params=NoParams,
    argv=_decompose_argv,
    writes=_fixed(Resource("", prefix=True)),
)

JOB_KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        DECOMPOSE,
        _cli_kind("harvest", HarvestParams, _fixed(Resource(DATABASE_FILE), Resource(STATE_FILE))),
        # model.onnx, model.onnx.json (and model.onnx.data for large models), tokenizer.json,
        # and run.json's file list, which it reads, changes and writes back.
        _cli_kind(
            "export-onnx",
            ExportOnnxParams,
            _fixed(Resource(MODEL_FILE, prefix=True), Resource(TOKENIZER_FILE), Resource(RUN_FILE)),
        ),
        _cli_kind("graph", GraphParams, _graph_writes),
        _cli_kind("optimize-circuit", OptimizeCircuitParams, _circuit_writes),
        _cli_kind("eval", EvalParams, _fixed(), "--json"),
    )
}
# Kinds started with `POST /runs/{run_id}/jobs`; decompose has its own routes.
ANALYSIS_KINDS = tuple(name for name, kind in JOB_KINDS.items() if not kind.trains)


def device_slot(name: str) -> str:
    """The device a job asking for `name` (auto, cpu, cuda, cuda:N) runs on: `cpu` or
    `cuda:N`, the key of its queue."""
    if name == "auto":
        return "cuda:0" if torch.cuda.is_available() else "cpu"
    if name == "cuda":
        return "cuda:0"
    return name
