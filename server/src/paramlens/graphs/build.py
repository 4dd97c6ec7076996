"""A prompt's attribution graph, computed, pruned and ready to write as `graphs/<id>.graph.json`."""

import re
from collections.abc import Callable

import torch
from tokenizers import Tokenizer

from paramlens.decomp.ci_functions import CIFunction
from paramlens.decomp.component_model import ComponentModel
from paramlens.graphs.compute import compute_attribution_graph
from paramlens.graphs.graph_file import (
    AttributionGraph,
    ComponentNode,
    EmbedNode,
    GraphEdge,
    GraphNode,
    OutputNode,
)
from paramlens.graphs.prune import Pruning, prune
from paramlens.graphs.raw_graph import ComponentNodeData, EmbedNodeData, RawGraph, node_id
from paramlens.graphs.settings import GraphSettings

_MAX_ID_LENGTH = 48


def build_graph(
    model: ComponentModel,
    ci_fn: CIFunction,
    tokenizer: Tokenizer,
    prompt: str,
    settings: GraphSettings,
    graph_id: str | None = None,
    run_id: str | None = None,
) -> AttributionGraph:
    """The pruned attribution graph of `prompt`, tokenised as training data is (no special
    tokens). graph_id defaults to a slug of the prompt."""
    ids = tokenizer.encode(prompt, add_special_tokens=False).ids
    if not ids:
        raise ValueError(f"the prompt {prompt!r} has no tokens")
    device = next(model.components.parameters()).device
    raw = compute_attribution_graph(model, ci_fn, torch.tensor([ids], device=device), settings)
    pruning = prune(raw, settings.node_threshold, settings.edge_threshold)

    def decode(token_id: int) -> str:
        return tokenizer.decode([token_id], skip_special_tokens=False)

    graph_id = slug(prompt) if graph_id is None else graph_id
    return graph_from_raw(raw, pruning, decode, prompt, graph_id, settings, run_id)


def graph_from_raw(
    raw: RawGraph,
    pruning: Pruning,
    decode: Callable[[int], str],
    prompt: str,
    graph_id: str,
    settings: GraphSettings | None = None,
    run_id: str | None = None,
) -> AttributionGraph:
    """The graph file's contents: what pruning kept of `raw`, tokens decoded with `decode`."""
    tokens = [decode(token_id) for token_id in raw.token_ids]
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
            token = tokens[node.position]
            nodes.append(
                EmbedNode(
                    id=node_id(node), position=node.position, token=token, token_id=node.token_id
                )
            )
        else:
            nodes.append(
                OutputNode(
                    id=node_id(node),
                    position=node.position,
                    token_id=node.token_id,
                    token=decode(node.token_id),
                    probability=node.probability,
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
        prompt=prompt,
        tokens=tokens,
        modules=list(raw.modules),
        nodes=nodes,
        edges=edges,
        run_id=run_id,
        settings=settings,
    )


def slug(text: str) -> str:
    """A graph id from free text: lower-case words joined by '-', e.g. `the-cat-sat`."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:_MAX_ID_LENGTH].strip("-") or "graph"
