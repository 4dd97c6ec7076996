"""Graphs of toy models: one feature vector, the same computation as a prompt's (one position,
whose input nodes are the active features), edges checked against their closed forms."""

from pathlib import Path

import pytest
import torch
from torch import Tensor

from paramlens.analysis.graphs.build import build_graph
from paramlens.analysis.graphs.compute import (
    compute_attribution_graph,
    compute_attribution_graph_naive,
)
from paramlens.analysis.graphs.graph_file import (
    ComponentNode,
    EmbedNode,
    OutputNode,
    read_graph,
    write_graph,
)
from paramlens.analysis.graphs.prune import keep_all
from paramlens.analysis.graphs.raw_graph import (
    ComponentNodeData,
    EmbedNodeData,
    OutputNodeData,
    RawGraph,
)
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.analysis.inputs import FeatureInputs
from paramlens.decomp.ci_functions import SharedMLPCI
from paramlens.decomp.component_model import ComponentModel
from paramlens.targets.tms import TMS, TMSConfig

from .test_compute import always_important, assert_same_graph, weights_by_pair

N_FEATURES = 5


@pytest.fixture(scope="module")
def tms_model() -> tuple[ComponentModel, SharedMLPCI]:
    """A random TMS 5-2 with both matrices decomposed and every subcomponent important."""
    torch.manual_seed(0)
    target = TMS(TMSConfig(N_FEATURES, 2)).double()
    with torch.no_grad():
        target.linear2.bias.uniform_(-0.2, 0.2)
    model = ComponentModel(target, {"linear1": 3, "linear2": 4}).double()
    return model, always_important(SharedMLPCI(model.decomposed, hidden_dims=[4]).double())


def feature_graph(
    model: ComponentModel, ci_fn: SharedMLPCI, x: Tensor, settings: GraphSettings
) -> RawGraph:
    return compute_attribution_graph(model, ci_fn, x[None], settings, kind="features")


def test_edges_are_direct_effects_of_features_subcomponents_and_delta(
    tms_model: tuple[ComponentModel, SharedMLPCI],
) -> None:
    model, ci_fn = tms_model
    x = torch.tensor([0.0, 1.0, 0.0, 0.5, 0.0], dtype=torch.float64)
    settings = GraphSettings(ci_threshold=0.0, multiply_by_ci=False, output_min_probability=0)
    graph = feature_graph(model, ci_fn, x, settings)
    naive = compute_attribution_graph_naive(model, ci_fn, x[None], settings, kind="features")
    assert_same_graph(graph, naive)

    # Feature i's input node is embed:i; everything else is at the vector's one position.
    embeds = [node for node in graph.nodes if isinstance(node, EmbedNodeData)]
    assert [(n.position, n.token_id, n.value) for n in embeds] == [(1, 1, 1.0), (3, 3, 0.5)]
    assert graph.token_ids == () and graph.modules == ("linear1", "linear2")
    components = [node for node in graph.nodes if isinstance(node, ComponentNodeData)]
    assert {(n.module, n.position) for n in components} == {("linear1", 0), ("linear2", 0)}
    assert len(components) == 7  # CI 1 everywhere: every subcomponent is a node
    outputs = [node for node in graph.nodes if isinstance(node, OutputNodeData)]
    y = model.target(x[None])[0].detach()
    assert {n.token_id for n in outputs} == set(range(N_FEATURES))
    for node in outputs:
        assert node.activation == pytest.approx(float(y[node.token_id]))
        assert node.probability == pytest.approx(float(y[node.token_id].abs() / y.abs().sum()))
    assert bool((graph.edge_sources < graph.edge_targets).all())  # a DAG in node order

    (V1, U1), (V2, U2) = (
        (model.components_of(path).V.detach(), model.components_of(path).U.detach())
        for path in ("linear1", "linear2")
    )
    deltas = {path: delta.detach() for path, delta in model.weight_deltas().items()}
    h = x @ model.target.linear1.weight.T
    relu_on = (h @ model.target.linear2.weight.T + model.target.linear2.bias > 0).double()
    act1, act2 = x @ V1, h @ V2
    to_out = {  # ∂(output j)/∂(source), (source, j)
        "features": (deltas["linear1"].T @ deltas["linear2"].T) * relu_on,
        "linear1": (U1 @ deltas["linear2"].T) * relu_on,
        "linear2": U2 * relu_on,
    }
    expected: dict[tuple[str, str], float] = {}
    for i in (1, 3):
        for c in range(3):
            expected[(f"embed:{i}", f"linear1:0:{c}")] = float(V1[i, c] * x[i])
        for c in range(4):
            expected[(f"embed:{i}", f"linear2:0:{c}")] = float(
                (deltas["linear1"].T @ V2)[i, c] * x[i]
            )
        for j in range(N_FEATURES):
            expected[(f"embed:{i}", f"output:0:{j}")] = float(to_out["features"][i, j] * x[i])
    for c in range(3):
        for d in range(4):
            expected[(f"linear1:0:{c}", f"linear2:0:{d}")] = float((U1 @ V2)[c, d] * act1[c])
        for j in range(N_FEATURES):
            expected[(f"linear1:0:{c}", f"output:0:{j}")] = float(to_out["linear1"][c, j] * act1[c])
    for d in range(4):
        for j in range(N_FEATURES):
            expected[(f"linear2:0:{d}", f"output:0:{j}")] = float(to_out["linear2"][d, j] * act2[d])
    found = weights_by_pair(graph)
    assert found.keys() == expected.keys()
    for pair, weight in expected.items():
        assert found[pair] == pytest.approx(weight, rel=1e-9, abs=1e-12), pair


def test_edges_are_scaled_by_the_source_ci(tms_model: tuple[ComponentModel, SharedMLPCI]) -> None:
    model, ci_fn = tms_model
    x = torch.tensor([1.0, 0.0, 0.0, 0.0, 0.0], dtype=torch.float64)
    plain = feature_graph(model, ci_fn, x, GraphSettings(multiply_by_ci=False))
    scaled = feature_graph(model, ci_fn, x, GraphSettings(multiply_by_ci=True))
    ci = {f"linear1:0:{n.component}": n.ci for n in plain.nodes if isinstance(n, ComponentNodeData)}
    ci |= {
        f"linear2:0:{n.component}": n.ci for n in plain.nodes if isinstance(n, ComponentNodeData)
    }
    for (source, target), weight in weights_by_pair(plain).items():
        factor = ci.get(source, 1.0)  # features have no CI
        assert weights_by_pair(scaled)[(source, target)] == pytest.approx(weight * factor)


def test_a_built_feature_graph_is_a_graph_file(
    tms_model: tuple[ComponentModel, SharedMLPCI], tmp_path: Path
) -> None:
    model, ci_fn = tms_model
    inputs = FeatureInputs(N_FEATURES)
    model_input = inputs.vector({3: 0.5, 1: 1.0})
    graph = build_graph(
        model, ci_fn, inputs, model_input, GraphSettings(), run_id="toy", weights_step=9
    )
    assert (graph.id, graph.prompt, graph.input_kind) == ("features-1-3", "1=1, 3=0.5", "features")
    # One position, labelled by the input; its subcomponents and outputs are all there.
    assert graph.tokens == ["1=1, 3=0.5"] and graph.weights_step == 9
    assert {node.position for node in graph.nodes if not isinstance(node, EmbedNode)} == {0}
    embeds = [node for node in graph.nodes if isinstance(node, EmbedNode)]
    assert [(n.token, n.token_id, n.activation) for n in embeds] == [
        ("feature 1", 1, 1.0),
        ("feature 3", 3, 0.5),
    ]
    outputs = [node for node in graph.nodes if isinstance(node, OutputNode)]
    assert outputs and all(n.token == f"output {n.token_id}" for n in outputs)
    assert any(isinstance(node, ComponentNode) for node in graph.nodes)
    write_graph(graph, tmp_path / "toy.graph.json")
    assert read_graph(tmp_path / "toy.graph.json") == graph


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ({5: 1.0}, "feature 5 is out of range: the model has 5"),
        ({2: 0.0}, "feature 2 has value 0.0; give a finite nonzero value"),
        ({2: float("nan")}, "feature 2 has value nan"),
    ],
)
def test_bad_inputs_say_what_is_wrong(
    tms_model: tuple[ComponentModel, SharedMLPCI], features: dict[int, float], message: str
) -> None:
    model, ci_fn = tms_model
    with pytest.raises(ValueError, match=message):
        FeatureInputs(N_FEATURES).vector(features)
    with pytest.raises(ValueError, match="no active feature"):
        feature_graph(model, ci_fn, torch.zeros(N_FEATURES).double(), GraphSettings())


def test_keep_all_keeps_everything_with_the_influence_prune_stores(
    tms_model: tuple[ComponentModel, SharedMLPCI],
) -> None:
    model, ci_fn = tms_model
    x = torch.tensor([0.0, 1.0, 0.0, 0.5, 0.0], dtype=torch.float64)
    graph = feature_graph(model, ci_fn, x, GraphSettings())
    pruning = keep_all(graph)
    assert bool(pruning.node_mask.all()) and bool(pruning.edge_mask.all())
    is_component = Tensor([isinstance(node, ComponentNodeData) for node in graph.nodes]).bool()
    influence = pruning.influence[is_component]
    assert bool((influence > 0).all()) and float(influence.max()) == pytest.approx(1.0)
    assert bool(pruning.influence[~is_component].isnan().all())
