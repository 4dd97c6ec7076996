"""A prompt's attribution graph, computed, pruned and ready to write as `graphs/<id>.graph.json`."""

import re
from collections.abc import Callable, Mapping
from typing import Literal

import torch
from tokenizers import Tokenizer

from paramlens.analysis.graphs.compute import compute_attribution_graph
from paramlens.analysis.graphs.features import compute_feature_graph
from paramlens.analysis.graphs.graph_file import (
    AttributionGraph,
    CircuitRecord,
    ComponentNode,
    EmbedNode,
    GraphEdge,
    GraphNode,
    OutputNode,
)
from paramlens.analysis.graphs.prune import Pruning, prune
from paramlens.analysis.graphs.raw_graph import ComponentNodeData, EmbedNodeData, RawGraph, node_id
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.decomp.ci_functions import CIFunction
from paramlens.decomp.component_model import ComponentModel

_MAX_ID_LENGTH = 48


def build_graph(
    model: ComponentModel,
    ci_fn: CIFunction,
    tokenizer: Tokenizer,
    prompt: str,
    settings: GraphSettings,
    graph_id: str | None = None,
    run_id: str | None = None,
    weights_step: int | None = None,
) -> AttributionGraph:
    """The pruned attribution graph of `prompt`, tokenised as training data is (no special
    tokens). graph_id defaults to a slug of the prompt."""
    ids = tokenize(tokenizer, prompt)
    device = next(model.components.parameters()).device
    raw = compute_attribution_graph(model, ci_fn, torch.tensor([ids], device=device), settings)
    pruning = prune(raw, settings.node_threshold, settings.edge_threshold)
    graph_id = slug(prompt) if graph_id is None else graph_id
    return graph_from_raw(
        raw,
        pruning,
        token_decoder(tokenizer),
        prompt,
        graph_id,
        settings,
        run_id,
        weights_step=weights_step,
    )


def build_feature_graph(
    model: ComponentModel,
    ci_fn: CIFunction,
    features: Mapping[int, float],
    n_features: int,
    settings: GraphSettings,
    graph_id: str | None = None,
    run_id: str | None = None,
    weights_step: int | None = None,
) -> AttributionGraph:
    """The pruned attribution graph of a toy model on one input: `features` maps feature
    indices to their values, every other feature is 0. graph_id defaults to
    `features-<i>-<j>…`."""
    for feature, value in features.items():
        if not 0 <= feature < n_features:
            raise ValueError(f"feature {feature} is out of range: the model has {n_features}")
        if value == 0 or value != value or abs(value) == float("inf"):
            raise ValueError(f"feature {feature} has value {value}; give a finite nonzero value")
    weight = next(model.components.parameters())
    x = torch.zeros(n_features, dtype=weight.dtype, device=weight.device)
    for feature, value in features.items():
        x[feature] = value
    raw = compute_feature_graph(model, ci_fn, x, settings)
    pruning = prune(raw, settings.node_threshold, settings.edge_threshold)
    active = sorted(features)
    prompt = ", ".join(f"{feature}={features[feature]:g}" for feature in active)
    graph_id = "features-" + "-".join(map(str, active)) if graph_id is None else graph_id
    return graph_from_raw(
        raw,
        pruning,
        lambda feature: f"feature {feature}",
        prompt,
        graph_id,
        settings,
        run_id,
        decode_output=lambda dim: f"output {dim}",
        input_kind="features",
        weights_step=weights_step,
    )


def tokenize(tokenizer: Tokenizer, prompt: str) -> list[int]:
    """The prompt's token ids, tokenised as training data is (no special tokens)."""
    ids: list[int] = tokenizer.encode(prompt, add_special_tokens=False).ids
    if not ids:
        raise ValueError(f"the prompt {prompt!r} has no tokens")
    return ids


def token_decoder(tokenizer: Tokenizer) -> Callable[[int], str]:
    """One token id -> its text, special tokens included."""

    def decode(token_id: int) -> str:
        text: str = tokenizer.decode([token_id], skip_special_tokens=False)
        return text

    return decode


def graph_from_raw(
    raw: RawGraph,
    pruning: Pruning,
    decode: Callable[[int], str],
    prompt: str,
    graph_id: str,
    settings: GraphSettings | None = None,
    run_id: str | None = None,
    decode_output: Callable[[int], str] | None = None,
    input_kind: Literal["tokens", "features"] = "tokens",
    weights_step: int | None = None,
    circuit: CircuitRecord | None = None,
) -> AttributionGraph:
    """The graph file's contents: what pruning kept of `raw`, tokens decoded with `decode`
    (output tokens with `decode_output` when given)."""
    decode_output = decode if decode_output is None else decode_output
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
                    id=node_id(node),
                    position=node.position,
                    token=token,
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
                    token=decode_output(node.token_id),
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
        prompt=prompt,
        tokens=tokens,
        modules=list(raw.modules),
        nodes=nodes,
        edges=edges,
        input_kind=input_kind,
        run_id=run_id,
        weights_step=weights_step,
        settings=settings,
        circuit=circuit,
    )


def slug(text: str) -> str:
    """A graph id from free text: lower-case words joined by '-', e.g. `the-cat-sat`."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:_MAX_ID_LENGTH].strip("-") or "graph"
