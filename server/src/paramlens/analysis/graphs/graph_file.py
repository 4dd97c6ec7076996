"""The attribution-graph file `graphs/<id>.graph.json`: the pydantic mirror of protocol/graph.ts.

JSON keys are snake_case and match the TypeScript types field for field. `read_graph` checks
what the viewer relies on (node IDs that match their fields, edges between existing nodes) and
names the offending field in its error.
"""

import json
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from paramlens.analysis.graphs.settings import CircuitSettings, GraphSettings
from paramlens.ids import (
    GRAPH_ID_PATTERN,
    ComponentNodeId,
    EmbedNodeId,
    OutputNodeId,
    format_node_id,
    is_graph_id,
)
from paramlens.runs.atomic import atomic_write_bytes

GRAPH_FORMAT_VERSION: Final = 1
GRAPHS_DIR = "graphs"
GRAPH_SUFFIX = ".graph.json"

_NODE_KINDS = ("component", "embed", "output")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ComponentNode(_Record):
    id: str
    kind: Literal["component"] = "component"
    module: str
    position: int = Field(ge=0)
    component: int = Field(ge=0)
    ci: float = Field(ge=0.0, le=1.0)
    activation: float
    influence: float | None = None
    label: str | None = None

    @model_validator(mode="after")
    def _id_matches(self) -> "ComponentNode":
        _check_id(
            self.id, format_node_id(ComponentNodeId(self.module, self.position, self.component))
        )
        return self


class EmbedNode(_Record):
    id: str
    kind: Literal["embed"] = "embed"
    position: int = Field(ge=0)
    token: str
    token_id: int | None = Field(default=None, ge=0)
    activation: float | None = None  # feature graphs: the input feature's value

    @model_validator(mode="after")
    def _id_matches(self) -> "EmbedNode":
        _check_id(self.id, format_node_id(EmbedNodeId(self.position)))
        return self


class OutputNode(_Record):
    id: str
    kind: Literal["output"] = "output"
    position: int = Field(ge=0)
    token_id: int = Field(ge=0)
    token: str
    probability: float = Field(ge=0.0, le=1.0)
    # what edges into the node attribute: the logit minus the mean logit (tokens), the output
    # value (features)
    activation: float | None = None

    @model_validator(mode="after")
    def _id_matches(self) -> "OutputNode":
        _check_id(self.id, format_node_id(OutputNodeId(self.position, self.token_id)))
        return self


GraphNode = Annotated[ComponentNode | EmbedNode | OutputNode, Field(discriminator="kind")]


class GraphEdge(_Record):
    source: str
    target: str
    weight: float


class CircuitProbabilities(_Record):
    """The target token's probability when a circuit is kept and the rest is ablated."""

    nodes: int = Field(ge=0)  # (position, component) pairs with CI above the threshold
    ci_masked: float = Field(ge=0.0, le=1.0)  # masks equal to the CI, Δ off
    stochastic: float = Field(ge=0.0, le=1.0)  # mean over random masks g + (1 − g)·U(0, 1)
    adversarial: float = Field(ge=0.0, le=1.0)  # after sign-ascent PGD on the rest's masks


class CircuitRecord(_Record):
    """How an optimised circuit's graph was made and how faithful the circuit is."""

    target_token: str
    target_token_id: int = Field(ge=0)
    position: int = Field(ge=0)  # the target is predicted after this position
    target_probability: float = Field(ge=0.0, le=1.0)  # the target model's own
    optimized: CircuitProbabilities
    original: CircuitProbabilities  # the CI the run's CI function gives
    ci_only: CircuitProbabilities | None = None  # optimised on its CI-masked CE alone
    settings: CircuitSettings


class CircuitOutputValues(_Record):
    """A toy circuit's target output, and the outputs' squared error against the target
    model's, when the circuit is kept and the rest is ablated."""

    nodes: int = Field(ge=0)  # components with CI above the threshold
    ci_masked: float  # the target output's value with masks equal to the CI, Δ off
    stochastic: float  # its mean over random masks g + (1 − g)·U(0, 1)
    adversarial: float  # after sign-ascent PGD on the rest's masks
    ci_masked_mse: float = Field(ge=0.0)  # mean over outputs of the squared error, likewise
    stochastic_mse: float = Field(ge=0.0)
    adversarial_mse: float = Field(ge=0.0)


class FeatureCircuitRecord(_Record):
    """How a toy model's circuit was found and how faithful it is."""

    features: dict[int, float]  # the input: feature index -> value, every other feature 0
    target_output: int = Field(ge=0)  # the output the circuit preserves
    all_outputs: bool  # whether the loss was the squared error of every output
    target_value: float  # the target output's value in the target model
    optimized: CircuitOutputValues
    original: CircuitOutputValues  # the CI the run's CI function gives
    ci_only: CircuitOutputValues | None = None  # optimised on its CI-masked loss alone
    settings: CircuitSettings


class AttributionGraph(_Record):
    format_version: Literal[1] = GRAPH_FORMAT_VERSION
    id: str = Field(pattern=GRAPH_ID_PATTERN)
    prompt: str
    tokens: list[str]
    modules: list[str]
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    input_kind: Literal["tokens", "features"] = "tokens"
    run_id: str | None = None
    weights_step: int | None = Field(default=None, ge=0)
    settings: GraphSettings | None = None
    # An optimised circuit's graph: how it was found and how faithful it is (a language
    # model's target token, or a toy model's target output).
    circuit: CircuitRecord | FeatureCircuitRecord | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "AttributionGraph":
        ids: set[str] = set()
        rows = set(self.modules)
        for i, node in enumerate(self.nodes):
            if node.id in ids:
                raise ValueError(f"nodes[{i}].id: {node.id!r} appears twice")
            ids.add(node.id)
            if isinstance(node, ComponentNode) and node.module not in rows:
                raise ValueError(f"nodes[{i}].module: {node.module!r} is not in modules")
        for i, edge in enumerate(self.edges):
            for end in ("source", "target"):
                if getattr(edge, end) not in ids:
                    raise ValueError(f"edges[{i}].{end}: {getattr(edge, end)!r} is not in nodes")
        return self


class GraphFileError(ValueError):
    """A graph file that cannot be read; the message names the file and the field."""


def _check_id(given: str, expected: str) -> None:
    if given != expected:
        raise ValueError(f"id {given!r} does not match the node's fields, which give {expected!r}")


def graph_path(run_dir: Path, graph_id: str) -> Path:
    """`<run_dir>/graphs/<graph_id>.graph.json`."""
    if not is_graph_id(graph_id):
        raise ValueError(
            f"graph id {graph_id!r} must be letters, digits, '.', '_' and '-' "
            "and must not start with '.'"
        )
    return run_dir / GRAPHS_DIR / f"{graph_id}{GRAPH_SUFFIX}"


def write_graph(graph: AttributionGraph, path: Path) -> None:
    """Write the graph as JSON, atomically (temporary file, fsync, rename)."""
    atomic_write_bytes(path, graph_json(graph).encode("utf-8"))


def graph_json(graph: AttributionGraph) -> str:
    """The file's text: one line per field, node and edge, so that diffs and grep stay readable."""
    fields = []
    for key, value in graph.model_dump(mode="json", exclude_none=True).items():
        if isinstance(value, list) and key in ("nodes", "edges"):
            items = ",\n".join(f"    {_dumps(item)}" for item in value)
            fields.append(f'  "{key}": [\n{items}\n  ]' if value else f'  "{key}": []')
        else:
            fields.append(f"  {_dumps(key)}: {_dumps(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def read_graph(path: Path) -> AttributionGraph:
    """Read and check a graph file; raise GraphFileError naming the file and the bad field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise GraphFileError(f"{path}: cannot read: {error.strerror}") from None
    return parse_graph(text, str(path))


def parse_graph(text: str, source: str) -> AttributionGraph:
    """Parse graph JSON; `source` names it in errors."""
    try:
        return AttributionGraph.model_validate_json(text)
    except ValidationError as error:
        problems = "; ".join(_describe(problem) for problem in error.errors())
        raise GraphFileError(f"{source}: {problems}") from None


def _describe(problem: ErrorDetails) -> str:
    message = problem["msg"].removeprefix("Value error, ")
    if problem["type"] == "json_invalid":
        return f"not valid JSON: {message}"
    location = ""
    previous: object = None
    for part in problem["loc"]:
        if isinstance(part, int):
            location += f"[{part}]"
        elif not (isinstance(previous, int) and part in _NODE_KINDS):  # the union's tag, no key
            location += f".{part}" if location else part
        previous = part
    return f"{location}: {message}" if location else message
