"""Attribution graphs of toy models (TMS, residual MLP): one input vector instead of a prompt.

A toy reads a feature vector x (n_features,) and has no sequence, so every subcomponent and
output node sits at position 0. The embed nodes are the active input features: the k-th active
feature (in index order) is `embed:k`, its token_id the feature's index, its activation x_i.
The output nodes are output dimensions: those holding at least `output_min_probability` of
Σ_j |y_j|, at most `output_max_per_position`, the largest always; that share stands in for the
probability that weights outputs in pruning.

Edges are the direct effects of compute.py, computed the reference way (the graphs are small):
ComponentModel's forward with every mask 1 and Δ included, each subcomponent's post a leaf, so
the gradient reaches a target through the frozen network and Δ, never through another
subcomponent. weight = ∂(target activation)/∂(source activation) × source activation (× source
CI when the settings say so); a feature's activation is x_i, a subcomponent's x@V, an output's
the output value itself (a toy's outputs are no distribution: nothing is demeaned).
"""

from collections.abc import Mapping, Sequence

import torch
from torch import Tensor

from paramlens.analysis.graphs.raw_graph import (
    ComponentNodeData,
    EmbedNodeData,
    OutputNodeData,
    RawGraph,
    RawNode,
)
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.decomp.ci_functions import CIFunction, causal_importance
from paramlens.decomp.component_model import ComponentActs, ComponentModel


def compute_feature_graph(
    model: ComponentModel,
    ci_fn: CIFunction,
    features: Tensor,
    settings: GraphSettings,
    ci: Mapping[str, Tensor] | None = None,
    outputs: Sequence[int] | None = None,
) -> RawGraph:
    """The attribution graph of a toy model on one input, features (n_features,).

    ci (path -> (C,)) and outputs (output dimensions) replace the CI function's CI and the
    largest outputs, as for an optimised circuit."""
    if features.dim() != 1:
        raise ValueError(f"features must have shape (n_features,), got {tuple(features.shape)}")
    active = features.nonzero().flatten().tolist()
    if not active:
        raise ValueError("the input has no active feature; give at least one a nonzero value")
    x = features[None]  # (1, n_features): a batch of one
    with torch.no_grad():
        clean = model(x, cache=["inputs"])
        if ci is None:
            logits = ci_fn(clean.inputs, model.components_by_path)
            ci = {path: g[0] for path, g in causal_importance(logits).lower.items()}  # (C,) each
    missing = sorted(set(model.module_paths) - set(clean.inputs))
    if missing:
        raise ValueError(f"decomposed modules {missing} did not run in the forward")
    if clean.output.shape[:1] != (1,) or clean.output.dim() != 2:
        raise ValueError(
            f"a feature graph needs a model whose output is (batch, n_outputs); "
            f"got {tuple(clean.output.shape)} for a batch of one"
        )

    nodes: list[RawNode] = [
        EmbedNodeData(k, feature, float(features[feature])) for k, feature in enumerate(active)
    ]
    module_nodes: dict[str, Tensor] = {}  # path -> (C,) node index, -1 where no node
    edge_scales: dict[str, Tensor] = {}  # path -> (C,)
    for path in clean.inputs:  # the cache fills in the order the modules run
        with torch.no_grad():
            activation = model.components_of(path).component_acts(clean.inputs[path][0])  # (C,)
        components = (ci[path] > settings.ci_threshold).nonzero().flatten()
        index = torch.full_like(ci[path], -1, dtype=torch.long)
        index[components] = torch.arange(
            len(nodes), len(nodes) + len(components), device=index.device
        )
        nodes += [
            ComponentNodeData(path, 0, c, float(ci[path][c]), float(activation[c]))
            for c in components.tolist()
        ]
        module_nodes[path] = index
        edge_scales[path] = activation * ci[path] if settings.multiply_by_ci else activation
    chosen = _output_nodes(clean.output[0], settings, outputs)
    output_nodes = {len(nodes) + i: node.token_id for i, node in enumerate(chosen)}
    nodes += chosen

    with torch.enable_grad():
        targets, sources, weights = _edges(
            model, x, active, module_nodes, edge_scales, output_nodes
        )
    order = torch.argsort(targets * len(nodes) + sources)  # deterministic edge order
    return RawGraph(
        token_ids=tuple(active),
        modules=tuple(module_nodes),
        nodes=tuple(nodes),
        edge_targets=targets[order].cpu(),
        edge_sources=sources[order].cpu(),
        edge_weights=weights[order].detach().cpu(),
    )


def _output_nodes(
    output: Tensor, settings: GraphSettings, chosen: Sequence[int] | None
) -> list[OutputNodeData]:
    """The largest outputs, by share of Σ|y|, or the `chosen` ones; output (n_outputs,)."""
    magnitude = output.detach().double().abs()
    total = float(magnitude.sum())
    share = magnitude / total if total > 0 else torch.full_like(magnitude, 1 / len(magnitude))
    if chosen is None:
        top = torch.topk(share, min(settings.output_max_per_position, len(share)))
        chosen = [
            dim
            for rank, (probability, dim) in enumerate(
                zip(top.values.tolist(), top.indices.tolist(), strict=True)
            )
            if rank == 0 or probability >= settings.output_min_probability
        ]
    for dim in chosen:
        if not 0 <= dim < len(share):
            raise ValueError(f"output {dim} is out of range: the model has {len(share)} outputs")
    return [OutputNodeData(0, dim, float(share[dim]), float(output[dim])) for dim in chosen]


def _edges(
    model: ComponentModel,
    x: Tensor,
    active: Sequence[int],
    module_nodes: dict[str, Tensor],
    edge_scales: dict[str, Tensor],
    output_nodes: dict[int, int],
) -> tuple[Tensor, Tensor, Tensor]:
    """(targets, sources, weights), (E,) each, indexing the graph's nodes: features 0..k-1,
    module_nodes (path -> (C,) node index or -1), output_nodes (node index -> output dim)."""
    device = x.device
    leaf = x.detach().clone().requires_grad_()
    masks = {path: x.new_ones(C) for path, C in model.module_C.items()}
    delta_masks = {path: x.new_ones(()) for path in model.module_paths}
    run = model(leaf, masks=masks, delta_masks=delta_masks, cache=["component_acts"])
    acts: dict[str, ComponentActs] = run.component_acts
    feature_index = torch.tensor(list(active), dtype=torch.long, device=device)
    feature_nodes = torch.arange(len(active), device=device)

    paths = list(module_nodes)
    groups: list[tuple[Tensor, Tensor, Tensor]] = []  # (activations, chosen dims, target ids)
    for path in paths:
        chosen = (module_nodes[path] >= 0).nonzero().flatten()
        groups.append((acts[path].pre[0], chosen, module_nodes[path][chosen]))
    groups.append(
        (
            run.output[0],
            torch.tensor(list(output_nodes.values()), dtype=torch.long, device=device),
            torch.tensor(list(output_nodes), dtype=torch.long, device=device),
        )
    )

    found: list[tuple[Tensor, Tensor, Tensor]] = []
    for i, (activations, chosen, target_ids) in enumerate(groups):
        if not len(chosen):
            continue
        earlier = paths[:i]  # the modules that ran before this target's
        rows = activations.new_zeros(len(chosen), *activations.shape)
        rows[torch.arange(len(chosen), device=device), chosen] = 1.0  # a backward row per target
        grads = torch.autograd.grad(
            activations,
            [leaf, *(acts[path].post for path in earlier)],
            grad_outputs=rows,
            retain_graph=True,
            is_grads_batched=True,
            allow_unused=True,
        )
        feature_grad, *module_grads = grads
        if feature_grad is not None:  # (n, 1, n_features)
            weight = feature_grad[:, 0, feature_index] * x[0, feature_index]  # (n, k)
            found.append(_pairs(target_ids, feature_nodes, weight))
        for path, grad in zip(earlier, module_grads, strict=True):
            sources = (module_nodes[path] >= 0).nonzero().flatten()
            if grad is None or not len(sources):
                continue
            weight = grad[:, 0, sources] * edge_scales[path][sources]  # (n, k)
            found.append(_pairs(target_ids, module_nodes[path][sources], weight))
    no_index = torch.zeros(0, dtype=torch.long, device=device)
    return (
        torch.cat([no_index, *(f[0] for f in found)]),
        torch.cat([no_index, *(f[1] for f in found)]),
        torch.cat([x.new_zeros(0), *(f[2] for f in found)]),
    )


def _pairs(targets: Tensor, sources: Tensor, weight: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Every (target, source) pair with its weight (n, k), flattened."""
    n, k = weight.shape
    return targets.repeat_interleave(k), sources.repeat(n), weight.flatten()
