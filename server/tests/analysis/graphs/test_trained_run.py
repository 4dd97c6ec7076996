"""Graphs of the shipped tiny-Llama example, trained: the batched computation against the
reference one, and pruning by influence, on weights a real decomposition produced."""

from pathlib import Path

import pytest
import torch

from paramlens.analysis.graphs.compute import (
    compute_attribution_graph,
    compute_attribution_graph_naive,
)
from paramlens.analysis.graphs.prune import node_influence, prune
from paramlens.analysis.graphs.raw_graph import ComponentNodeData, OutputNodeData, RawGraph
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.core.loaded_run import LoadedRun, load_run

from .test_compute import weights_by_pair

PROMPTS = ["The cat sat on the mat", "And the LORD spake unto Moses, saying"]
SETTINGS = [GraphSettings(), GraphSettings(multiply_by_ci=False, output_positions="all")]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tiny_llama_run_dir: Path) -> LoadedRun:
    return load_run(tiny_llama_run_dir, "cpu")


def token_ids(run: LoadedRun, prompt: str) -> torch.Tensor:
    assert run.tokenizer is not None
    return torch.tensor([run.tokenizer.encode(prompt, add_special_tokens=False).ids])


@pytest.mark.parametrize(("prompt", "settings"), list(zip(PROMPTS, SETTINGS, strict=True)))
def test_the_batched_graph_equals_the_reference_on_every_edge(
    run: LoadedRun, prompt: str, settings: GraphSettings
) -> None:
    d = run.decomposition
    ids = token_ids(run, prompt)
    batched = compute_attribution_graph(d.model, d.ci_fn, ids, settings)
    naive = compute_attribution_graph_naive(d.model, d.ci_fn, ids, settings)
    assert batched.node_ids == naive.node_ids
    assert sum(isinstance(node, ComponentNodeData) for node in batched.nodes) > 500
    fast, reference = weights_by_pair(batched), weights_by_pair(naive)
    assert fast.keys() == reference.keys()
    # float32, summed in different orders: every edge within 1e-5 of the largest weight
    largest = max(abs(weight) for weight in reference.values())
    assert max(abs(fast[pair] - weight) for pair, weight in reference.items()) <= 1e-5 * largest

    # in float64 each edge agrees to 1e-5 of itself
    model, ci_fn = d.model.double(), d.ci_fn.double()
    try:
        fast = weights_by_pair(compute_attribution_graph(model, ci_fn, ids, settings))
        reference = weights_by_pair(compute_attribution_graph_naive(model, ci_fn, ids, settings))
    finally:
        model.float()
        ci_fn.float()
    for pair, weight in reference.items():
        assert fast[pair] == pytest.approx(weight, rel=1e-5, abs=1e-12), pair


@pytest.mark.parametrize("node_threshold", [0.8, 0.5])
def test_pruning_keeps_the_fewest_nodes_reaching_the_threshold(
    run: LoadedRun, node_threshold: float
) -> None:
    d = run.decomposition
    graph = compute_attribution_graph(d.model, d.ci_fn, token_ids(run, PROMPTS[1]), SETTINGS[1])
    pruning = prune(graph, node_threshold, 0.98)
    is_component = torch.tensor([isinstance(node, ComponentNodeData) for node in graph.nodes])

    influence = influence_of(graph)[is_component]
    order = torch.sort(influence, descending=True, stable=True).indices
    shares = torch.cumsum(influence[order], 0) / influence.sum()
    fewest = int((shares < node_threshold).sum()) + 1  # one node fewer falls short
    assert float(shares[fewest - 1]) >= node_threshold > float(shares[fewest - 2])
    top = set(is_component.nonzero().flatten()[order[:fewest]].tolist())

    kept = set((pruning.node_mask & is_component).nonzero().flatten().tolist())
    assert kept <= top and len(kept) >= 0.9 * fewest  # edge pruning may cut a few off
    stored = pruning.influence[is_component]
    assert torch.allclose(stored[order], shares)  # each node's cumulative share
    sources = set(graph.edge_sources[pruning.edge_mask].tolist())
    targets = set(graph.edge_targets[pruning.edge_mask].tolist())
    assert all(node in sources and node in targets for node in kept)


def influence_of(graph: RawGraph) -> torch.Tensor:
    output_weights = torch.tensor(
        [node.probability if isinstance(node, OutputNodeData) else 0.0 for node in graph.nodes],
        dtype=torch.float64,
    )
    return node_influence(
        len(graph.nodes), graph.edge_targets, graph.edge_sources, graph.edge_weights, output_weights
    )
