"""Converting graphs to and from the circuit-tracer / Neuronpedia graph JSON.

That format (JSON Schema "Anthropic Attribution Graph" v1, spec/graph-viewers-prior-art.md
section 2a) is read by Anthropic's frontend, circuit-tracer's local server and Neuronpedia.

Export. A module is a "layer": its row index in the graph's `modules`. Nodes:
- subcomponent c of row r at position p: node_id `r_c_p`, feature_type "cross layer
  transcoder" (the type those viewers treat as a feature), `feature` = Cantor pairing of
  (r, c) = (r + c)(r + c + 1)/2 + c, as circuit-tracer encodes (layer, feature) (its
  `schema_version` 1); `clerp` is the node's label;
- embedding of token v at position p: `E_v_p`, layer "E";
- output token v at position p: `L_v_p` with L = number of rows + 1, feature_type "logit".
`metadata.paramlens` keeps what the format has no field for (module paths, input kind, settings,
run id, weights step, an optimised circuit's record) and each subcomponent carries its `ci`, so
that importing an export gives back the same graph.

Import accepts any file valid against the schema. Embeddings and logits become embed and
output nodes; every other node becomes a subcomponent node of the module `layer<L>` for its
layer L (`layer<L>_error` for error nodes), or of the exported module path. Its component is
the feature index in a circuit-tracer node_id `L_c_p`, else a running index per distinct
`feature`. The format has no CI, so subcomponents without a ParamLens `ci` get CI 1; `clerp`
becomes `label`.
"""

import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from paramlens import __version__
from paramlens.analysis.graphs.graph_file import (
    AttributionGraph,
    CircuitRecord,
    ComponentNode,
    EmbedNode,
    GraphEdge,
    GraphNode,
    OutputNode,
)
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.ids import ComponentNodeId, EmbedNodeId, OutputNodeId, format_node_id

FEATURE_TYPE = "cross layer transcoder"
_LOGIT_CLERP = re.compile(r'^Output "(?P<token>.*)" \(p=[^)]*\)$', re.DOTALL)
_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9_]+")


def cantor_pair(row: int, component: int) -> int:
    return (row + component) * (row + component + 1) // 2 + component


def to_circuit_tracer(graph: AttributionGraph, scan: str | None = None) -> dict[str, Any]:
    """The graph in circuit-tracer's JSON; `scan` names the model (default: run id or ParamLens)."""
    rows = {module: row for row, module in enumerate(graph.modules)}
    logit_layer = len(graph.modules) + 1
    ids: dict[str, str] = {}
    nodes = []
    for node in graph.nodes:
        exported: dict[str, Any]
        if isinstance(node, ComponentNode):
            row = rows[node.module]
            exported = {
                "node_id": f"{row}_{node.component}_{node.position}",
                "feature": cantor_pair(row, node.component),
                "layer": str(row),
                "ctx_idx": node.position,
                "feature_type": FEATURE_TYPE,
                "jsNodeId": f"{row}_{node.component}-0",
                "clerp": node.label or "",
                "influence": node.influence,
                "activation": node.activation,
                "ci": node.ci,
            }
        elif isinstance(node, EmbedNode):
            if node.token_id is None:
                raise ValueError(f"embed node {node.id} has no token_id, which the export needs")
            exported = {
                "node_id": f"E_{node.token_id}_{node.position}",
                "feature": node.position,
                "layer": "E",
                "ctx_idx": node.position,
                "feature_type": "embedding",
                "jsNodeId": f"E_{node.token_id}-{node.position}",
                "clerp": "",
                "activation": node.activation,
            }
        else:
            exported = {
                "node_id": f"{logit_layer}_{node.token_id}_{node.position}",
                "feature": node.token_id,
                "layer": str(logit_layer),
                "ctx_idx": node.position,
                "feature_type": "logit",
                "jsNodeId": f"L_{node.token_id}-{node.position}",
                "clerp": f'Output "{node.token}" (p={node.probability:.3f})',
                "token_prob": node.probability,
                "activation": node.activation,
            }
        ids[node.id] = exported["node_id"]
        nodes.append(exported)
    _mark_top_logits(nodes)
    metadata: dict[str, Any] = {
        "slug": graph.id,
        "scan": scan or graph.run_id or "paramlens",
        "prompt_tokens": graph.tokens,
        "prompt": graph.prompt,
        "schema_version": 1,
        "info": {"generator": {"name": "ParamLens", "version": __version__}},
        "paramlens": {"modules": graph.modules, "input_kind": graph.input_kind},
    }
    if graph.run_id is not None:
        metadata["paramlens"]["run_id"] = graph.run_id
    if graph.weights_step is not None:
        metadata["paramlens"]["weights_step"] = graph.weights_step
    if graph.circuit is not None:
        metadata["paramlens"]["circuit"] = graph.circuit.model_dump(mode="json")
    if graph.settings is not None:
        settings = graph.settings
        metadata["node_threshold"] = settings.node_threshold
        metadata["pruning_settings"] = {
            "node_threshold": settings.node_threshold,
            "edge_threshold": settings.edge_threshold,
        }
        metadata["generation_settings"] = {"max_n_logits": settings.output_max_per_position}
        metadata["paramlens"]["settings"] = settings.model_dump(mode="json")
    return {
        "metadata": metadata,
        "qParams": {
            "pinnedIds": [],
            "supernodes": [],
            "linkType": "both",
            "clickedId": "",
            "sg_pos": "",
        },
        "nodes": nodes,
        "links": [
            {"source": ids[edge.source], "target": ids[edge.target], "weight": edge.weight}
            for edge in graph.edges
        ],
    }


def _mark_top_logits(nodes: list[dict[str, Any]]) -> None:
    """is_target_logit on the most likely output token at each position, as circuit-tracer sets."""
    best: dict[int, dict[str, Any]] = {}
    for node in nodes:
        if node["feature_type"] == "logit":
            node["is_target_logit"] = False
            top = best.get(node["ctx_idx"])
            if top is None or node["token_prob"] > top["token_prob"]:
                best[node["ctx_idx"]] = node
    for node in best.values():
        node["is_target_logit"] = True


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow")


class _ParamLensMetadata(_Lenient):
    """What an export from ParamLens adds to the metadata."""

    modules: list[str] = []
    input_kind: Literal["tokens", "features"] = "tokens"
    run_id: str | None = None
    weights_step: int | None = None
    settings: GraphSettings | None = None
    circuit: CircuitRecord | None = None


class _Metadata(_Lenient):
    slug: str
    prompt_tokens: list[str]
    prompt: str
    paramlens: _ParamLensMetadata = _ParamLensMetadata()


class _Node(_Lenient):
    node_id: str
    feature: int | None
    layer: str | int
    ctx_idx: int
    feature_type: str
    clerp: str
    influence: float | None = None
    activation: float | None = None
    token_prob: float | None = None
    ci: float | None = None  # in ParamLens exports


class _Link(_Lenient):
    source: str
    target: str
    weight: float


class _CircuitTracerGraph(_Lenient):
    metadata: _Metadata
    nodes: list[_Node]
    links: list[_Link]


def from_circuit_tracer(data: Any, graph_id: str | None = None) -> AttributionGraph:
    """A circuit-tracer / Neuronpedia graph (parsed JSON) as a ParamLens graph.

    graph_id defaults to the file's slug made safe for a file name.
    """
    try:
        parsed = _CircuitTracerGraph.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        location = ".".join(str(part) for part in problem["loc"])
        raise ValueError(f"not a circuit-tracer graph: {location}: {problem['msg']}") from None
    metadata = parsed.metadata
    modules_by_row = metadata.paramlens.modules

    ids: dict[str, str] = {}
    nodes: dict[str, GraphNode] = {}
    components = _component_indices(parsed.nodes)
    for i, node in enumerate(parsed.nodes):
        if node.ctx_idx < 0:
            raise ValueError(f"nodes[{i}].ctx_idx: must be >= 0, got {node.ctx_idx}")
        converted: GraphNode
        if node.feature_type == "embedding":
            token_id = _middle_number(node.node_id)
            token = (
                metadata.prompt_tokens[node.ctx_idx]
                if node.ctx_idx < len(metadata.prompt_tokens)
                else ""
            )
            converted = EmbedNode(
                id=format_node_id(EmbedNodeId(node.ctx_idx)),
                position=node.ctx_idx,
                token=token,
                token_id=token_id,
                activation=node.activation,
            )
        elif node.feature_type == "logit":
            token_id = _logit_token_id(node, i)
            match = _LOGIT_CLERP.match(node.clerp)
            converted = OutputNode(
                id=format_node_id(OutputNodeId(node.ctx_idx, token_id)),
                position=node.ctx_idx,
                token_id=token_id,
                token=match["token"] if match else node.clerp,
                probability=min(max(node.token_prob or 0.0, 0.0), 1.0),
                activation=node.activation,
            )
        else:
            module = _module_name(node, modules_by_row)
            component = components[i]
            converted = ComponentNode(
                id=format_node_id(ComponentNodeId(module, node.ctx_idx, component)),
                module=module,
                position=node.ctx_idx,
                component=component,
                ci=1.0 if node.ci is None else min(max(node.ci, 0.0), 1.0),
                activation=node.activation or 0.0,
                influence=node.influence,
                label=node.clerp or None,
            )
        if converted.id in nodes and converted.kind == "component":
            raise ValueError(
                f"nodes[{i}]: {node.node_id!r} maps to {converted.id}, as another node does"
            )
        nodes.setdefault(converted.id, converted)  # a repeated embedding or logit is one node
        ids[node.node_id] = converted.id

    edges = []
    for i, link in enumerate(parsed.links):
        for end in (link.source, link.target):
            if end not in ids:
                raise ValueError(f"links[{i}]: node {end!r} is not in nodes")
        edges.append(
            GraphEdge(source=ids[link.source], target=ids[link.target], weight=link.weight)
        )

    return AttributionGraph(
        id=graph_id or _safe_id(metadata.slug),
        prompt=metadata.prompt,
        tokens=metadata.prompt_tokens,
        modules=_module_order(nodes.values(), modules_by_row),
        nodes=list(nodes.values()),
        edges=edges,
        input_kind=metadata.paramlens.input_kind,
        run_id=metadata.paramlens.run_id,
        weights_step=metadata.paramlens.weights_step,
        settings=metadata.paramlens.settings,
        circuit=metadata.paramlens.circuit,
    )


def _middle_number(node_id: str) -> int | None:
    """v from an id `<layer>_<v>_<position>`, or None."""
    parts = node_id.split("_")
    return int(parts[1]) if len(parts) == 3 and _is_number(parts[1]) else None


def _logit_token_id(node: _Node, index: int) -> int:
    token_id = _middle_number(node.node_id)
    if token_id is None and node.feature is not None and node.feature >= 0:
        token_id = node.feature
    if token_id is None:
        raise ValueError(f"nodes[{index}]: logit node {node.node_id!r} names no token id")
    return token_id


def _module_name(node: _Node, modules_by_row: list[str]) -> str:
    layer = str(node.layer)
    if _is_number(layer) and int(layer) < len(modules_by_row):
        return modules_by_row[int(layer)]
    name = "layer" + (layer if _is_number(layer) else "_" + _NAME_CHARACTERS.sub("_", layer))
    return f"{name}_error" if "error" in node.feature_type else name


def _component_indices(nodes: list[_Node]) -> dict[int, int]:
    """Component index per feature node (by position in `nodes`): the feature index of a
    circuit-tracer node_id if every node of its row has one, else a running index per distinct
    feature (or node_id when it has none)."""
    rows: dict[tuple[str, bool], list[int]] = {}
    for i, node in enumerate(nodes):
        if node.feature_type not in ("embedding", "logit"):
            rows.setdefault((str(node.layer), "error" in node.feature_type), []).append(i)
    indices: dict[int, int] = {}
    for members in rows.values():
        parsed = [_feature_index(nodes[i]) for i in members]
        if all(index is not None for index in parsed):
            indices |= {
                i: index for i, index in zip(members, parsed, strict=True) if index is not None
            }
            continue
        running: dict[object, int] = {}
        for i in members:
            key = nodes[i].feature if nodes[i].feature is not None else nodes[i].node_id
            indices[i] = running.setdefault(key, len(running))
    return indices


def _feature_index(node: _Node) -> int | None:
    """c from a circuit-tracer feature id `<layer>_<c>_<ctx_idx>`, or None."""
    parts = node.node_id.split("_")
    if (
        len(parts) == 3
        and parts[0] == str(node.layer)
        and parts[2] == str(node.ctx_idx)
        and _is_number(parts[1])
    ):
        return int(parts[1])
    return None


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _module_order(nodes: Iterable[GraphNode], modules_by_row: list[str]) -> list[str]:
    """The exported module order, else layer order (numeric layers first), errors after features."""
    used = {node.module for node in nodes if isinstance(node, ComponentNode)}
    if used <= set(modules_by_row):
        return list(modules_by_row)

    def key(module: str) -> tuple[bool, int, str]:
        layer = module.removeprefix("layer").removesuffix("_error")
        numeric = _is_number(layer)
        return (not numeric, int(layer) if numeric else 0, module)  # layer0 before layer0_error

    return sorted(used, key=key)


def _safe_id(slug: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", slug).lstrip(".")
    return safe or "graph"
