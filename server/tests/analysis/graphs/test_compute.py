import pytest
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paramlens.analysis.graphs.compute import (
    compute_attribution_graph,
    compute_attribution_graph_naive,
    crosses_positions,
)
from paramlens.analysis.graphs.raw_graph import (
    ComponentNodeData,
    EmbedNodeData,
    OutputNodeData,
    RawGraph,
)
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.decomp.ci_functions import SharedMLPCI
from paramlens.decomp.ci_transformer import GlobalTransformerCI
from paramlens.decomp.component_model import ComponentModel
from paramlens.ids import ComponentNodeId, parse_node_id

from .conftest import VOCAB

LlamaModel = tuple[ComponentModel, GlobalTransformerCI]


def weights_by_pair(graph: RawGraph) -> dict[tuple[str, str], float]:
    ids = graph.node_ids
    return {
        (ids[source], ids[target]): weight
        for source, target, weight in zip(
            graph.edge_sources.tolist(),
            graph.edge_targets.tolist(),
            graph.edge_weights.tolist(),
            strict=True,
        )
    }


def assert_same_graph(batched: RawGraph, naive: RawGraph) -> None:
    assert batched.node_ids == naive.node_ids
    assert batched.modules == naive.modules
    fast, reference = weights_by_pair(batched), weights_by_pair(naive)
    assert fast.keys() == reference.keys()
    for pair, weight in reference.items():
        assert fast[pair] == pytest.approx(weight, rel=1e-5, abs=1e-8), pair


@pytest.mark.parametrize(
    "settings",
    [
        GraphSettings(ci_threshold=0.3),
        GraphSettings(ci_threshold=0.5, multiply_by_ci=False, output_positions="all"),
    ],
    ids=["last-position", "all-positions-no-ci"],
)
def test_batched_graph_equals_one_backward_per_node(
    llama_model: LlamaModel, token_ids: Tensor, settings: GraphSettings
) -> None:
    model, ci_fn = llama_model
    batched = compute_attribution_graph(model, ci_fn, token_ids, settings, chunk_size=3)
    naive = compute_attribution_graph_naive(model, ci_fn, token_ids, settings)
    assert sum(isinstance(node, ComponentNodeData) for node in batched.nodes) > 20
    assert len(batched.edge_weights) > 200
    assert_same_graph(batched, naive)


def test_nodes_are_the_important_subcomponents_and_likely_tokens(
    llama_model: LlamaModel, token_ids: Tensor
) -> None:
    model, ci_fn = llama_model
    settings = GraphSettings(ci_threshold=0.4, output_min_probability=0.02)
    graph = compute_attribution_graph(model, ci_fn, token_ids, settings)
    assert graph.modules == tuple(
        f"h.{i}.{role}"
        for i in range(2)
        for role in ("attn.q_proj", "attn.k_proj", "attn.v_proj", "attn.o_proj")
        + ("mlp.c_fc", "mlp.down_proj")
    )
    embeds = [node for node in graph.nodes if isinstance(node, EmbedNodeData)]
    assert [(node.position, node.token_id) for node in embeds] == list(
        enumerate(token_ids[0].tolist())
    )
    components = [node for node in graph.nodes if isinstance(node, ComponentNodeData)]
    assert components and all(node.ci > 0.4 for node in components)
    outputs = [node for node in graph.nodes if isinstance(node, OutputNodeData)]
    probabilities = torch.softmax(model(token_ids).output[0, -1].double(), -1)
    likely = (probabilities >= 0.02).nonzero().flatten().tolist()
    assert {node.token_id for node in outputs} == set(likely)
    assert all(node.position == token_ids.shape[1] - 1 for node in outputs)
    assert all(
        edge_source < edge_target
        for edge_source, edge_target in zip(
            graph.edge_sources.tolist(), graph.edge_targets.tolist(), strict=True
        )
    )


def test_only_k_and_v_to_o_of_one_block_cross_positions_forwards(
    llama_model: LlamaModel, token_ids: Tensor
) -> None:
    model, ci_fn = llama_model
    graph = compute_attribution_graph(model, ci_fn, token_ids, GraphSettings(ci_threshold=0.3))
    crossing = 0
    for source_id, target_id in weights_by_pair(graph):
        source, target = parse_node_id(source_id), parse_node_id(target_id)
        if source.position == target.position:
            continue
        crossing += 1
        assert isinstance(source, ComponentNodeId) and isinstance(target, ComponentNodeId)
        assert crosses_positions(source.module, target.module), (source_id, target_id)
        assert source.position < target.position
    assert crossing > 0
    assert crosses_positions("h.0.attn.v_proj", "h.0.attn.o_proj")
    assert not crosses_positions("h.0.attn.v_proj", "h.1.attn.o_proj")
    assert not crosses_positions("h.0.attn.q_proj", "h.0.attn.o_proj")
    assert crosses_positions("transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj")
    assert not crosses_positions("transformer.h.0.attn.c_attn", "transformer.h.0.mlp.c_proj")


class ResidualStack(nn.Module):
    """ids -> embed -> three residual linear layers -> unembed: linear, so effects are exact."""

    def __init__(self, vocab: int = 16, d: int = 6) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList(nn.Linear(d, d) for _ in range(3))
        self.unembed = nn.Linear(d, vocab, bias=False)

    def forward(self, ids: Tensor) -> Tensor:
        x = self.embed(ids)
        for layer in self.layers:
            x = x + layer(x)
        logits: Tensor = self.unembed(x)
        return logits


def always_important(ci_fn: SharedMLPCI) -> SharedMLPCI:
    """Every subcomponent gets CI 1, so every one is a node."""
    with torch.no_grad():
        for mlp in ci_fn.mlps.values():
            mlp[-1].bias.fill_(5.0)
    return ci_fn


def test_edges_are_direct_effects_through_the_frozen_network_and_delta() -> None:
    torch.manual_seed(0)
    target = ResidualStack().double()
    paths = ["layers.0", "layers.1", "layers.2"]
    model = ComponentModel(target, dict.fromkeys(paths, 3)).double()
    ci_fn = always_important(SharedMLPCI(model.decomposed, hidden_dims=[4]).double())
    ids = torch.tensor([[3, 7]])
    settings = GraphSettings(ci_threshold=0.0, multiply_by_ci=False)
    graph = compute_attribution_graph(model, ci_fn, ids, settings)
    assert_same_graph(graph, compute_attribution_graph_naive(model, ci_fn, ids, settings))
    weights = weights_by_pair(graph)

    (V0, U0), (V1, U1), (V2, _) = (
        (model.components_of(path).V.detach(), model.components_of(path).U.detach())
        for path in paths
    )
    delta = model.weight_deltas()["layers.1"].detach()  # [d_out, d_in]
    x0 = target.embed(ids)[0].detach()  # (T, d)
    acts = x0 @ V0  # (T, C)
    found = 0
    for (source, target_id), weight in weights.items():
        if not (source.startswith("layers.0:") and target_id.startswith("layers.2:")):
            continue
        s, t = parse_node_id(source), parse_node_id(target_id)
        assert isinstance(s, ComponentNodeId) and isinstance(t, ComponentNodeId)
        # x2 = x1 + post1@U1 + x1 Δ1ᵀ: from layer 0 to layer 2 through the residual and Δ of
        # layer 1, never through layer 1's subcomponents (the U1 V1 path)
        through = torch.eye(6, dtype=torch.float64) + delta.T
        direct = U0[s.index] @ through @ V2[:, t.index]
        total = U0[s.index] @ (through + V1 @ U1) @ V2[:, t.index]
        activation = acts[s.position, s.index]
        assert weight == pytest.approx(float(direct * activation), rel=1e-9)
        assert abs(float(total - direct)) > 1e-3 * abs(float(direct))
        found += 1
    assert found == 2 * 3 * 3  # every pair at each of the two positions
    embed_weight = weights["embed:1", "layers.0:1:2"]
    assert embed_weight == pytest.approx(float(x0[1] @ V0[:, 2]), rel=1e-9)


class CausalMeanMixer(nn.Module):
    """Mixes positions outside attention (a running mean): no two targets may share a row."""

    def __init__(self, vocab: int = 16, d: int = 6) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.mix_in = nn.Linear(d, d)
        self.mix_out = nn.Linear(d, d)
        self.unembed = nn.Linear(d, vocab, bias=False)

    def forward(self, ids: Tensor) -> Tensor:
        x = self.embed(ids)
        h = F.gelu(self.mix_in(x))
        counts = torch.arange(1, ids.shape[1] + 1, dtype=x.dtype)[:, None]
        x = x + self.mix_out(h.cumsum(dim=1) / counts)
        logits: Tensor = self.unembed(x)
        return logits


def test_a_model_mixing_positions_outside_attention_gets_the_same_graph() -> None:
    torch.manual_seed(0)
    model = ComponentModel(CausalMeanMixer(), {"mix_in": 4, "mix_out": 4}).double()
    ci_fn = SharedMLPCI(model.decomposed, hidden_dims=[4]).double()
    ids = torch.tensor([[1, 5, 2, 9]])
    settings = GraphSettings(output_positions="all")
    batched = compute_attribution_graph(model, ci_fn, ids, settings)
    assert_same_graph(batched, compute_attribution_graph_naive(model, ci_fn, ids, settings))
    assert len(batched.edge_weights) > 20


def test_bad_inputs_fail_with_what_is_wrong(llama_model: LlamaModel) -> None:
    model, ci_fn = llama_model
    settings = GraphSettings()
    with pytest.raises(ValueError, match=r"the input must have shape \(1, T\)"):
        compute_attribution_graph(model, ci_fn, torch.zeros(2, 3, dtype=torch.long), settings)
    with pytest.raises(ValueError, match="chunk_size must be at least 1"):
        compute_attribution_graph(
            model, ci_fn, torch.zeros(1, 3, dtype=torch.long), settings, chunk_size=0
        )
    decomposed_embedding = ComponentModel(ResidualStack(), {"embed": 2, "layers.0": 2})
    ci = SharedMLPCI(decomposed_embedding.decomposed, hidden_dims=[2])
    with pytest.raises(ValueError, match="the token embedding 'embed' is decomposed"):
        compute_attribution_graph(decomposed_embedding, ci, torch.tensor([[1, 2]]), settings)


def test_graphs_are_computed_with_gradients_off(llama_model: LlamaModel, token_ids: Tensor) -> None:
    model, ci_fn = llama_model
    with torch.no_grad():
        graph = compute_attribution_graph(model, ci_fn, token_ids, GraphSettings(ci_threshold=0.5))
    assert len(graph.edge_weights) > 0
    assert token_ids.max() < VOCAB
