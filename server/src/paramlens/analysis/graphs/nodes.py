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
    """nodes: embeddings by position, subcomponents by module (`modules` order), outputs.

    modules: every decomposed module in the order the forward runs them.
    outputs: the output nodes' positions, token ids and node indices, (n_out,) each.
    logits: (T, vocab) of the clean forward.
    embedding: the target's token-embedding module, whose output is the embed nodes' activation.
    """

    token_ids: Tensor
    nodes: list[RawNode]
    modules: list[ModuleNodes]
    output_positions: Tensor
    output_tokens: Tensor
    output_index: Tensor
    logits: Tensor
    embedding: nn.Module


def select_nodes(
    model: ComponentModel,
    ci_fn: CIFunction,
    token_ids: Tensor,
    settings: GraphSettings,
    ci: Mapping[str, Tensor] | None = None,
    outputs: Sequence[tuple[int, int]] | None = None,
) -> NodeSelection:
    """Run the clean forward on token_ids (1, T), compute CI and choose the graph's nodes.

    ci: path -> (T, C), CI to choose nodes by and scale edges with instead of the CI
    function's (an optimised circuit's). outputs: (position, token id) pairs to make the output
    nodes instead of the likely next tokens.
    """
    if token_ids.dim() != 2 or token_ids.shape[0] != 1 or token_ids.shape[1] == 0:
        raise ValueError(
            f"token_ids must have shape (1, T) with T >= 1, got {tuple(token_ids.shape)}"
        )
    embedding = input_embedding(model)
    with torch.no_grad():
        clean = model(token_ids, cache=["inputs"])
        if ci is None:
            ci_logits = ci_fn(clean.inputs, model.components_by_path)
            ci = {path: value[0] for path, value in causal_importance(ci_logits).lower.items()}
    missing = sorted(set(model.module_paths) - set(clean.inputs))
    if missing:
        raise ValueError(f"decomposed modules {missing} did not run in the forward")
    absent = sorted(set(model.module_paths) - set(ci))
    if absent:
        raise ValueError(f"no CI given for the decomposed modules {absent}")
    ci = {path: ci[path].detach() for path in model.module_paths}
    for path, C in model.module_C.items():
        if ci[path].shape != (token_ids.shape[1], C):
            raise ValueError(
                f"CI for {path!r} has shape {tuple(ci[path].shape)}; "
                f"expected (T, C) = ({token_ids.shape[1]}, {C})"
            )

    nodes: list[RawNode] = [EmbedNodeData(p, int(token)) for p, token in enumerate(token_ids[0])]
    modules = []
    for path in clean.inputs:  # the cache fills in the order the modules run
        with torch.no_grad():
            activation = model.components_of(path).component_acts(clean.inputs[path][0])  # (T, C)
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

    chosen = _output_nodes(clean.output[0], settings, outputs)
    device = token_ids.device
    output_index = torch.arange(len(nodes), len(nodes) + len(chosen), device=device)
    nodes += chosen
    return NodeSelection(
        token_ids=token_ids,
        nodes=nodes,
        modules=modules,
        output_positions=torch.tensor(
            [node.position for node in chosen], dtype=torch.long, device=device
        ),
        output_tokens=torch.tensor(
            [node.token_id for node in chosen], dtype=torch.long, device=device
        ),
        output_index=output_index,
        logits=clean.output[0],
        embedding=embedding,
    )


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
    logits: Tensor, settings: GraphSettings, chosen: Sequence[tuple[int, int]] | None
) -> list[OutputNodeData]:
    """Likely next tokens at the chosen positions, most likely first, or the `chosen`
    (position, token id) pairs; logits (T, vocab)."""
    T, vocab = logits.shape
    if chosen is None:
        positions = [T - 1] if settings.output_positions == "last" else list(range(T))
        chosen = [pair for position in positions for pair in _likely(logits, position, settings)]
    nodes = []
    for position, token_id in chosen:
        if not (0 <= position < T and 0 <= token_id < vocab):
            raise ValueError(
                f"output (position {position}, token {token_id}) is outside the prompt's "
                f"{T} positions or the vocabulary of {vocab}"
            )
        row = logits[position].double()  # (vocab,)
        probability = float(torch.softmax(row, dim=-1)[token_id])
        activation = float(row[token_id] - row.mean())
        nodes.append(OutputNodeData(position, token_id, probability, activation))
    return nodes


def _likely(logits: Tensor, position: int, settings: GraphSettings) -> list[tuple[int, int]]:
    probabilities = torch.softmax(logits[position].double(), dim=-1)  # (vocab,)
    top = torch.topk(probabilities, min(settings.output_max_per_position, len(probabilities)))
    return [
        (position, token_id)
        for rank, (probability, token_id) in enumerate(
            zip(top.values.tolist(), top.indices.tolist(), strict=True)
        )
        # the most likely token always stays, so every chosen position has a target
        if rank == 0 or probability >= settings.output_min_probability
    ]
