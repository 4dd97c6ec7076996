"""The nodes of an attribution graph: important subcomponents, embeddings, likely next tokens."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from paramlens.analysis.graphs.raw_graph import (
    ComponentNodeData,
    EmbedNodeData,
    OutputNodeData,
    RawNode,
)
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.analysis.inputs import InputKind
from paramlens.decomp.ci_functions import CIFunction, causal_importance
from paramlens.decomp.component_model import ComponentModel


@dataclass(frozen=True, eq=False)
class ModuleNodes:
    """The nodes of one decomposed module.

    positions, components: (n,) the (position, component) of each node, position-major.
    node_index: (T, C) index into the graph's nodes, -1 where a subcomponent is no node.
    edge_scale: (T, C) what multiplies ∂(target)/∂(post) to give an edge weight: the activation
    x@V, times the CI when the settings say so.
    """

    path: str
    positions: Tensor
    components: Tensor
    node_index: Tensor
    edge_scale: Tensor


@dataclass(frozen=True, eq=False)
class NodeSelection:
    """nodes: inputs, subcomponents by module (`modules` order), outputs.

    batch: what the target took, (1, T) token ids or (1, F) feature values; kind says which.
    A feature vector is one position: every subcomponent and output node is at position 0,
    and its inputs are its active features.
    inputs: (n_in,) node index of each input node; input_positions (n_in,) the position it
    feeds; input_dims (n_in, D) for a feature vector, the one input dimension each node is
    (None for tokens, whose node at a position is the whole embedding there).
    modules: every decomposed module in the order the forward runs them.
    outputs: the output nodes' positions, ids (token or output dimension) and node indices.
    output_values: (T, n_outputs) of the clean forward, logits or output values.
    embedding: the target's token-embedding module (tokens only).
    """

    kind: InputKind
    batch: Tensor
    nodes: list[RawNode]
    input_positions: Tensor
    input_dims: Tensor | None
    modules: list[ModuleNodes]
    output_positions: Tensor
    output_tokens: Tensor
    output_index: Tensor
    output_values: Tensor
    embedding: nn.Module | None

    @property
    def n_positions(self) -> int:
        return int(self.output_values.shape[0])


def select_nodes(
    model: ComponentModel,
    ci_fn: CIFunction,
    batch: Tensor,
    settings: GraphSettings,
    kind: InputKind = "tokens",
    ci: Mapping[str, Tensor] | None = None,
    outputs: Sequence[tuple[int, int]] | None = None,
) -> NodeSelection:
    """Run the clean forward on `batch` (a prompt's token ids (1, T), or with kind `features`
    one feature vector (1, F)), compute CI and choose the graph's nodes.

    ci: path -> (T, C), CI to choose nodes by and scale edges with instead of the CI
    function's (an optimised circuit's). outputs: (position, token id or output dimension)
    pairs to make the output nodes instead of the likely ones.
    """
    if batch.dim() != 2 or batch.shape[0] != 1 or batch.shape[1] == 0:
        shape = "(1, T) with T >= 1" if kind == "tokens" else "(1, n_features)"
        raise ValueError(f"the input must have shape {shape}, got {tuple(batch.shape)}")
    embedding = input_embedding(model) if kind == "tokens" else None
    T = batch.shape[1] if kind == "tokens" else 1
    with torch.no_grad():
        clean = model(batch, cache=["inputs"])
        if ci is None:
            ci_logits = ci_fn(clean.inputs, model.components_by_path)
            ci = {
                path: by_position(value, T)
                for path, value in causal_importance(ci_logits).lower.items()
            }
    missing = sorted(set(model.module_paths) - set(clean.inputs))
    if missing:
        raise ValueError(f"decomposed modules {missing} did not run in the forward")
    absent = sorted(set(model.module_paths) - set(ci))
    if absent:
        raise ValueError(f"no CI given for the decomposed modules {absent}")
    ci = {path: ci[path].detach() for path in model.module_paths}
    for path, C in model.module_C.items():
        if ci[path].shape != (T, C):
            raise ValueError(
                f"CI for {path!r} has shape {tuple(ci[path].shape)}; expected (T, C) = ({T}, {C})"
            )
    output_values = by_position(clean.output, T)
    if kind == "features" and clean.output.dim() != 2:
        raise ValueError(
            "a feature graph needs a model whose output is (batch, n_outputs); got "
            f"{tuple(clean.output.shape)} for a batch of one"
        )

    nodes: list[RawNode]
    if kind == "tokens":
        nodes = [EmbedNodeData(p, int(token)) for p, token in enumerate(batch[0])]
        input_positions = torch.arange(T, device=batch.device)
        input_dims = None
    else:
        active = batch[0].nonzero().flatten()
        if not len(active):
            raise ValueError("the input has no active feature; give at least one a nonzero value")
        # Feature i's node is `embed:i`: its position field holds the feature, and it feeds
        # the vector's one position.
        nodes = [EmbedNodeData(i, i, float(batch[0, i])) for i in active.tolist()]
        input_positions = torch.zeros(len(active), dtype=torch.long, device=batch.device)
        input_dims = torch.nn.functional.one_hot(active, batch.shape[1]).to(batch.dtype)
    modules = []
    for path in clean.inputs:  # the cache fills in the order the modules run
        with torch.no_grad():
            x = by_position(clean.inputs[path], T)  # (T, d_in)
            activation = model.components_of(path).component_acts(x)  # (T, C)
        alive = ci[path] > settings.ci_threshold  # (T, C)
        positions, components = alive.nonzero(as_tuple=True)
        node_index = torch.full(alive.shape, -1, dtype=torch.long, device=alive.device)
        node_index[positions, components] = torch.arange(
            len(nodes), len(nodes) + len(positions), device=alive.device
        )
        nodes += [
            ComponentNodeData(path, p, c, ci_value, act)
            for p, c, ci_value, act in zip(
                positions.tolist(),
                components.tolist(),
                ci[path][positions, components].tolist(),
                activation[positions, components].tolist(),
                strict=True,
            )
        ]
        edge_scale = activation * ci[path] if settings.multiply_by_ci else activation
        modules.append(ModuleNodes(path, positions, components, node_index, edge_scale))

    chosen = _output_nodes(output_values, kind, settings, outputs)
    device = batch.device
    output_index = torch.arange(len(nodes), len(nodes) + len(chosen), device=device)
    nodes += chosen
    return NodeSelection(
        kind=kind,
        batch=batch,
        nodes=nodes,
        input_positions=input_positions,
        input_dims=input_dims,
        modules=modules,
        output_positions=torch.tensor(
            [node.position for node in chosen], dtype=torch.long, device=device
        ),
        output_tokens=torch.tensor(
            [node.token_id for node in chosen], dtype=torch.long, device=device
        ),
        output_index=output_index,
        output_values=output_values,
        embedding=embedding,
    )


def by_position(value: Tensor, T: int) -> Tensor:
    """A batch-of-one tensor as (T, ·): a prompt's (1, T, ·) or a feature vector's (1, ·)."""
    return value.reshape(T, value.shape[-1])


def input_embedding(model: ComponentModel) -> nn.Module:
    """The target's token embedding: its `get_input_embeddings()`, else its only nn.Embedding."""
    target = model.target
    get_input_embeddings = getattr(target, "get_input_embeddings", None)
    embedding = get_input_embeddings() if callable(get_input_embeddings) else None
    if not isinstance(embedding, nn.Module):
        found = [path for path, m in target.named_modules() if isinstance(m, nn.Embedding)]
        if len(found) != 1:
            raise ValueError(
                "cannot tell which module is the target's token embedding; "
                f"nn.Embedding modules: {found or 'none'}"
            )
        embedding = target.get_submodule(found[0])
    path = next(path for path, module in target.named_modules() if module is embedding)
    if path in model.decomposed:
        raise ValueError(
            f"the token embedding {path!r} is decomposed; attribution graphs use its output as "
            "the embed nodes, so leave it out of the decomposed modules"
        )
    return embedding


def _output_nodes(
    values: Tensor,
    kind: InputKind,
    settings: GraphSettings,
    chosen: Sequence[tuple[int, int]] | None,
) -> list[OutputNodeData]:
    """The likely outputs at the chosen positions, most likely first, or the `chosen`
    (position, id) pairs; values (T, n): logits, or a feature vector's output values.

    A token's weight is its probability, and what edges into it attribute its logit minus the
    mean logit (softmax ignores what all logits share). A toy's outputs are no distribution:
    an output's weight is its share of Σ|y|, and edges attribute the value itself.
    """
    T, n = values.shape
    weights = _output_weights(values.detach().double(), kind)  # (T, n)
    if chosen is None:
        positions = [T - 1] if settings.output_positions == "last" else list(range(T))
        chosen = [pair for position in positions for pair in _likely(weights, position, settings)]
    nodes = []
    for position, output in chosen:
        if not (0 <= position < T and 0 <= output < n):
            what = "vocabulary" if kind == "tokens" else "outputs"
            raise ValueError(
                f"output (position {position}, {output}) is outside the input's {T} positions "
                f"or the {n} {what}"
            )
        row = values[position].detach().double()
        activation = row[output] - row.mean() if kind == "tokens" else row[output]
        nodes.append(
            OutputNodeData(position, output, float(weights[position, output]), float(activation))
        )
    return nodes


def _output_weights(values: Tensor, kind: InputKind) -> Tensor:
    if kind == "tokens":
        return torch.softmax(values, dim=-1)
    magnitude = values.abs()
    total = magnitude.sum(-1, keepdim=True)
    return torch.where(
        total > 0, magnitude / total, torch.full_like(magnitude, 1 / values.shape[-1])
    )


def _likely(weights: Tensor, position: int, settings: GraphSettings) -> list[tuple[int, int]]:
    top = torch.topk(weights[position], min(settings.output_max_per_position, weights.shape[-1]))
    return [
        (position, output)
        for rank, (weight, output) in enumerate(
            zip(top.values.tolist(), top.indices.tolist(), strict=True)
        )
        # the most likely output always stays, so every chosen position has a target
        if rank == 0 or weight >= settings.output_min_probability
    ]
