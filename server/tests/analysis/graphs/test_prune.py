import itertools

import pytest
import torch
from torch import Tensor

from paramlens.analysis.graphs.compute import compute_attribution_graph
from paramlens.analysis.graphs.prune import cumulative_share, keep_fewest, node_influence, prune
from paramlens.analysis.graphs.raw_graph import (
    ComponentNodeData,
    EmbedNodeData,
    OutputNodeData,
    RawGraph,
)
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.decomp.ci_transformer import GlobalTransformerCI
from paramlens.decomp.component_model import ComponentModel


def fewest_by_brute_force(scores: list[float], threshold: float) -> int:
    total = sum(scores)
    for size in range(len(scores) + 1):
        if any(sum(chosen) >= threshold * total for chosen in itertools.combinations(scores, size)):
            return size
    raise AssertionError("unreachable")


@pytest.mark.parametrize("seed", range(6))
def test_keep_fewest_keeps_the_fewest_scores_reaching_the_threshold(seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    scores = torch.rand(7, generator=generator, dtype=torch.float64) ** 3
    for threshold in (0.1, 0.5, 0.8, 0.95, 1.0):
        kept = keep_fewest(scores, threshold)
        assert int(kept.sum()) == fewest_by_brute_force(scores.tolist(), threshold)
        assert scores[kept].sum() >= threshold * scores.sum() - 1e-12
    assert not keep_fewest(scores, 0.0).any()
    assert not keep_fewest(torch.zeros(3), 0.8).any()


def test_cumulative_share_is_the_share_held_at_or_above_each_score() -> None:
    shares = cumulative_share(torch.tensor([1.0, 4.0, 0.0, 3.0]))
    torch.testing.assert_close(shares, torch.tensor([1.0, 0.5, 1.0, 7 / 8], dtype=torch.float64))


def tiny_graph(weights: dict[tuple[int, int], float], probabilities: list[float]) -> RawGraph:
    """Nodes: embed 0, components 1-4 (one per module), then the outputs; edges (source, target)."""
    nodes = [
        EmbedNodeData(0, 5),
        *(ComponentNodeData(f"m{i}", 0, 0, 1.0, 1.0) for i in range(4)),
        *(OutputNodeData(0, token, p) for token, p in enumerate(probabilities)),
    ]
    pairs = sorted(weights, key=lambda pair: (pair[1], pair[0]))
    return RawGraph(
        token_ids=(5,),
        modules=tuple(f"m{i}" for i in range(4)),
        nodes=tuple(nodes),
        edge_targets=torch.tensor([target for _, target in pairs]),
        edge_sources=torch.tensor([source for source, _ in pairs]),
        edge_weights=torch.tensor([weights[pair] for pair in pairs], dtype=torch.float64),
    )


def dense_influence(graph: RawGraph, output_weights: Tensor) -> Tensor:
    n = len(graph.nodes)
    A = torch.zeros(n, n, dtype=torch.float64)
    A[graph.edge_targets, graph.edge_sources] = graph.edge_weights.abs()
    A = A / A.sum(1, keepdim=True).clamp_min(1e-10)
    return output_weights @ (torch.linalg.inv(torch.eye(n, dtype=torch.float64) - A) - torch.eye(n))


WEIGHTS = {
    (0, 1): 2.0,
    (0, 2): -1.0,
    (1, 2): 0.5,
    (1, 3): 3.0,
    (2, 3): -0.2,
    (0, 4): 0.1,
    (3, 5): 1.0,
    (2, 5): -0.4,
    (4, 5): 0.05,
    (3, 6): 0.7,
    (0, 6): 0.3,
}


def test_influence_sums_every_path_to_the_outputs() -> None:
    graph = tiny_graph(WEIGHTS, [0.6, 0.3])
    output_weights = torch.tensor([0, 0, 0, 0, 0, 0.6, 0.3], dtype=torch.float64)
    influence = node_influence(
        7, graph.edge_targets, graph.edge_sources, graph.edge_weights, output_weights
    )
    torch.testing.assert_close(influence, dense_influence(graph, output_weights))
    cycle = torch.tensor([1, 2])
    with pytest.raises(ValueError, match="has a cycle"):
        node_influence(3, cycle, cycle.flip(0), torch.ones(2), torch.tensor([0.0, 1.0, 1.0]))


def test_pruning_keeps_influential_nodes_and_always_embeddings_and_outputs() -> None:
    graph = tiny_graph(WEIGHTS, [0.6, 0.3])
    kept_all = prune(graph, 1.0, 1.0)
    assert kept_all.node_mask.all()

    pruning = prune(graph, 0.8, 0.9)
    is_component = torch.tensor([isinstance(node, ComponentNodeData) for node in graph.nodes])
    assert pruning.node_mask[~is_component].all()
    output_weights = torch.tensor([0, 0, 0, 0, 0, 0.6, 0.3], dtype=torch.float64)
    influence = dense_influence(graph, output_weights)[is_component]
    assert pruning.node_mask[is_component].tolist() == keep_fewest(influence, 0.8).tolist()
    kept_edges = pruning.edge_mask
    assert (pruning.node_mask[graph.edge_sources[kept_edges]]).all()
    assert (pruning.node_mask[graph.edge_targets[kept_edges]]).all()
    torch.testing.assert_close(pruning.influence[is_component], cumulative_share(influence))
    assert pruning.influence[~is_component].isnan().all()

    nothing = prune(graph, 0.0, 0.0)
    assert nothing.node_mask.tolist() == (~is_component).tolist()
    assert not nothing.edge_mask.any()


def test_pruning_drops_nodes_cut_off_by_edge_pruning() -> None:
    # component 4 reaches the output only by a weak edge; the edge goes, and so does it
    graph = tiny_graph({(0, 1): 1.0, (1, 5): 1.0, (0, 4): 1.0, (4, 5): 0.001}, [1.0, 0.0])
    pruning = prune(graph, 1.0, 0.9)
    assert pruning.node_mask.tolist() == [True, True, False, False, False, True, True]
    with pytest.raises(ValueError, match=r"edge_threshold must be in \[0, 1\]"):
        prune(graph, 0.5, 1.5)


def test_a_computed_graph_prunes_to_a_connected_subgraph(
    llama_model: tuple[ComponentModel, GlobalTransformerCI], token_ids: Tensor
) -> None:
    model, ci_fn = llama_model
    graph = compute_attribution_graph(model, ci_fn, token_ids, GraphSettings(ci_threshold=0.3))
    pruning = prune(graph, 0.8, 0.98)
    is_component = torch.tensor([isinstance(node, ComponentNodeData) for node in graph.nodes])
    kept = pruning.node_mask & is_component
    assert 0 < int(kept.sum()) < int(is_component.sum())
    sources = graph.edge_sources[pruning.edge_mask]
    targets = graph.edge_targets[pruning.edge_mask]
    for node in kept.nonzero().flatten().tolist():
        assert node in sources and node in targets
