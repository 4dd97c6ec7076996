"""An input's attribution graph, computed, pruned and ready to write as `graphs/<id>.graph.json`."""

import re
from collections.abc import Mapping

from torch import Tensor

from paramlens.analysis.graphs.compute import compute_attribution_graph
from paramlens.analysis.graphs.graph_file import (
    AttributionGraph,
    CircuitRecord,
    ComponentNode,
    EmbedNode,
    FeatureCircuitRecord,
    GraphEdge,
    GraphNode,
    OutputNode,
)
from paramlens.analysis.graphs.prune import Pruning, prune
from paramlens.analysis.graphs.raw_graph import ComponentNodeData, EmbedNodeData, RawGraph, node_id
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.analysis.inputs import AnalysisInput, Inputs
from paramlens.decomp.ci_functions import CIFunction
from paramlens.decomp.component_model import ComponentModel

_MAX_ID_LENGTH = 48


def build_graph(
    model: ComponentModel,
    ci_fn: CIFunction,
    inputs: Inputs,
    model_input: AnalysisInput,
    settings: GraphSettings,
    graph_id: str | None = None,
    run_id: str | None = None,
    weights_step: int | None = None,
) -> AttributionGraph:
    """The pruned attribution graph of one input (a prompt, or a toy's feature vector).
    graph_id defaults to `default_graph_id`."""
    batch = on_model(model, model_input)
    raw = compute_attribution_graph(model, ci_fn, batch, settings, kind=model_input.kind)
    pruning = prune(raw, settings.node_threshold, settings.edge_threshold)
    return graph_from_raw(
        raw,
        pruning,
        inputs,
        model_input,
        default_graph_id(model_input) if graph_id is None else graph_id,
        settings,
        run_id,
        weights_step=weights_step,
    )


def on_model(model: ComponentModel, model_input: AnalysisInput) -> Tensor:
    """The input's batch on the model's device (feature values in its dtype)."""
    weight = next(model.components.parameters())
    batch = model_input.batch.to(weight.device)
    return batch.to(weight.dtype) if model_input.kind == "features" else batch


def default_graph_id(model_input: AnalysisInput) -> str:
    """A slug of the prompt (`the-cat-sat`), or `features-1-3` for a feature vector."""
    if model_input.kind == "tokens":
        return slug(model_input.text)
    return features_graph_id(model_input.features)


def features_graph_id(features: Mapping[int, float]) -> str:
    """`features-1-3`: the graph of an input whose active features are 1 and 3."""
    return "features-" + "-".join(str(feature) for feature in sorted(features))


def graph_from_raw(
    raw: RawGraph,
    pruning: Pruning,
    inputs: Inputs,
    model_input: AnalysisInput,
    graph_id: str,
    settings: GraphSettings | None = None,
    run_id: str | None = None,
    weights_step: int | None = None,
    circuit: CircuitRecord | FeatureCircuitRecord | None = None,
) -> AttributionGraph:
    """The graph file's contents: what pruning kept of `raw`, labelled by `inputs`: the input's
    positions (a prompt's tokens, a feature vector's one position), each input node (a token, or
    `feature i`) and each output (a token, or `output i`)."""
    nodes: list[GraphNode] = []
    for index in pruning.node_mask.nonzero().flatten().tolist():
        node = raw.nodes[index]
        if isinstance(node, ComponentNodeData):
            nodes.append(
                ComponentNode(
                    id=node_id(node),
                    module=node.module,
                    position=node.position,
                    component=node.component,
                    ci=node.ci,
                    activation=node.activation,
                    influence=float(pruning.influence[index]),
                )
            )
        elif isinstance(node, EmbedNodeData):
            nodes.append(
                EmbedNode(
                    id=node_id(node),
                    position=node.position,
                    token=inputs.input_label(node.token_id),
                    token_id=node.token_id,
                    activation=node.value,
                )
            )
        else:
            nodes.append(
                OutputNode(
                    id=node_id(node),
                    position=node.position,
                    token_id=node.token_id,
                    token=inputs.output_label(node.token_id),
                    probability=node.probability,
                    activation=node.activation,
                )
            )
    ids = raw.node_ids
    kept = pruning.edge_mask.nonzero().flatten().tolist()
    edges = [
        GraphEdge(
            source=ids[int(raw.edge_sources[edge])],
            target=ids[int(raw.edge_targets[edge])],
            weight=float(raw.edge_weights[edge]),
        )
        for edge in kept
    ]
    return AttributionGraph(
        id=graph_id,
        prompt=model_input.text,
        tokens=list(model_input.labels),
        modules=list(raw.modules),
        nodes=nodes,
        edges=edges,
        input_kind=model_input.kind,
        run_id=run_id,
        weights_step=weights_step,
        settings=settings,
        circuit=circuit,
    )


def slug(text: str) -> str:
    """A graph id from free text: lower-case words joined by '-', e.g. `the-cat-sat`."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:_MAX_ID_LENGTH].strip("-") or "graph"
