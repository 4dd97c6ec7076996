"""Pruning an attribution graph by influence on the outputs, as circuit-tracer does.

A is the adjacency (targets × sources) of direct effects. Â is |A| with each row divided by
its sum: the share of a target's incoming effect that each source provides. A node's influence
is w(Â + Â² + Â³ + …), the total share it provides, over all paths, to the outputs, each output
weighted by its probability w. The graph is a DAG, so the series ends after as many terms as
its longest path has edges.

Pruning keeps the fewest subcomponent nodes holding `node_threshold` of the subcomponents'
total influence, then, among the edges between kept nodes, the fewest holding
`edge_threshold` of the edge scores, an edge's score being its share of its target's input
times the target's influence plus output weight (both recomputed on the kept nodes). Last, a
subcomponent left without a kept incoming or outgoing edge is dropped, until none is.
Embeddings and outputs are always kept. Unlike circuit-tracer, embeddings are not ranked
against subcomponents: they are kept anyway.
"""

from dataclasses import dataclass

import torch
from torch import Tensor

from paramlens.analysis.graphs.raw_graph import ComponentNodeData, OutputNodeData, RawGraph


@dataclass(frozen=True, eq=False)
class Pruning:
    """node_mask (N,), edge_mask (E,): what is kept. influence (N,): each subcomponent node's
    cumulative influence (the share held by the subcomponents ranked at or above it), NaN for
    embeddings and outputs."""

    node_mask: Tensor
    edge_mask: Tensor
    influence: Tensor


def node_influence(
    n_nodes: int, targets: Tensor, sources: Tensor, weights: Tensor, output_weights: Tensor
) -> Tensor:
    """w(Â + Â² + …): (N,) for edges (E,) each and output weights w (N,), zero off the outputs."""
    magnitude = weights.double().abs()
    incoming = torch.zeros(n_nodes, dtype=torch.float64).index_add_(0, targets, magnitude)
    share = magnitude / incoming[targets].clamp_min(1e-10)  # Â at each edge
    influence = torch.zeros(n_nodes, dtype=torch.float64)
    reached = output_weights.double()
    for _ in range(n_nodes):  # a DAG's longest path has fewer edges than it has nodes
        reached = torch.zeros_like(reached).index_add_(0, sources, reached[targets] * share)
        if not reached.any():
            return influence
        influence += reached
    raise ValueError("the graph has a cycle; attribution graphs must be acyclic")


def keep_fewest(scores: Tensor, threshold: float) -> Tensor:
    """(n,) bool: the fewest of `scores` (n,), ≥ 0, whose sum reaches `threshold` of the total.

    Ties keep the lower index. A zero total keeps nothing."""
    keep = torch.zeros(len(scores), dtype=torch.bool)
    total = scores.sum()
    if threshold <= 0 or total <= 0:
        return keep
    order = torch.sort(scores.double(), descending=True, stable=True).indices
    cumulative = torch.cumsum(scores.double()[order], 0) / total
    count = min(int(torch.searchsorted(cumulative, threshold)) + 1, len(scores))
    keep[order[:count]] = True
    return keep


def cumulative_share(scores: Tensor) -> Tensor:
    """(n,): for each score, the share of the total held by the scores ranked at or above it."""
    order = torch.sort(scores.double(), descending=True, stable=True).indices
    total = scores.double().sum()
    shares = torch.ones(len(scores), dtype=torch.float64)
    if total > 0:
        shares[order] = torch.cumsum(scores.double()[order], 0) / total
    return shares


def prune(graph: RawGraph, node_threshold: float, edge_threshold: float) -> Pruning:
    """What of `graph` to keep (see the module docstring); thresholds in [0, 1]."""
    for name, value in (("node_threshold", node_threshold), ("edge_threshold", edge_threshold)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {value}")
    n = len(graph.nodes)
    targets, sources, weights = graph.edge_targets, graph.edge_sources, graph.edge_weights
    is_component, output_weights = _node_kinds(graph)

    influence = node_influence(n, targets, sources, weights, output_weights)
    node_mask = ~is_component
    node_mask[is_component] = keep_fewest(influence[is_component], node_threshold)
    cumulative = torch.full((n,), float("nan"), dtype=torch.float64)
    cumulative[is_component] = cumulative_share(influence[is_component])

    between_kept = node_mask[targets] & node_mask[sources]
    kept_weights = torch.where(between_kept, weights.double(), 0.0)
    kept_influence = node_influence(n, targets, sources, kept_weights, output_weights)
    magnitude = kept_weights.abs()
    incoming = torch.zeros(n, dtype=torch.float64).index_add_(0, targets, magnitude)
    share = magnitude / incoming[targets].clamp_min(1e-10)
    scores = share * (kept_influence + output_weights)[targets]
    edge_mask = keep_fewest(scores, edge_threshold) & between_kept

    while True:  # drop subcomponents cut off by edge pruning, then their edges
        has_out = torch.zeros(n, dtype=torch.bool).index_fill_(0, sources[edge_mask], True)
        has_in = torch.zeros(n, dtype=torch.bool).index_fill_(0, targets[edge_mask], True)
        connected = node_mask & (~is_component | (has_in & has_out))
        if torch.equal(connected, node_mask):
            return Pruning(node_mask, edge_mask, cumulative)
        node_mask = connected
        edge_mask &= node_mask[targets] & node_mask[sources]


def keep_all(graph: RawGraph) -> Pruning:
    """Every node and edge kept, with the influence `prune` would store: for graphs whose nodes
    were chosen otherwise (an optimised circuit's)."""
    n = len(graph.nodes)
    is_component, output_weights = _node_kinds(graph)
    influence = node_influence(
        n, graph.edge_targets, graph.edge_sources, graph.edge_weights, output_weights
    )
    cumulative = torch.full((n,), float("nan"), dtype=torch.float64)
    cumulative[is_component] = cumulative_share(influence[is_component])
    return Pruning(
        torch.ones(n, dtype=torch.bool),
        torch.ones(len(graph.edge_weights), dtype=torch.bool),
        cumulative,
    )


def _node_kinds(graph: RawGraph) -> tuple[Tensor, Tensor]:
    """(N,) bool: which nodes are subcomponents; (N,) float64: output weights w, the output
    nodes' probabilities and zero elsewhere."""
    is_component = torch.tensor(
        [isinstance(node, ComponentNodeData) for node in graph.nodes], dtype=torch.bool
    )
    output_weights = torch.tensor(
        [node.probability if isinstance(node, OutputNodeData) else 0.0 for node in graph.nodes],
        dtype=torch.float64,
    )
    return is_component, output_weights
