"""Edges of an attribution graph (spec/decomposition.md section 10): direct effects between nodes.

An edge's weight is ∂(target activation)/∂(source activation) × source activation (× source
CI when the settings say so). A subcomponent's activation is its pre, x@V (unscaled); an
embed node's is the embedding output, the product summed over d_model; an output node's is
its logit minus the mean logit over the vocabulary: softmax ignores what all logits share,
so only the demeaned logit moves the prediction (circuit-tracer attributes the same).

Why these gradients are direct effects. The reference forward (`compute_attribution_graph_naive`)
runs every decomposed module with all masks 1 and Δ included and caches pre = x@V (in the
autograd graph) and post = pre.detach().requires_grad_(), which is what multiplies U. Each
module's output is then (post − pre)@U + x Wᵀ + b = post@U + x Δᵀ + b: gradient reaches the
module's input x through Δ only, never through its subcomponents, whose post is a leaf. So
∂(target pre)/∂(source post) sums over the paths through the frozen network (residual stream,
norms, attention, modules that are not decomposed) and through the Δ of the decomposed modules
in between, and over no path through another subcomponent: the stop-gradient of section 10.

Paths through Δ are kept, as in the reference. Δ is no subcomponent but the part of each
weight the subcomponents leave unexplained; like a norm it belongs to the frozen network whose
forward produced the activations, and it is near zero in a faithful decomposition. Cutting it
would describe a network in which every decomposed matrix between source and target passes no
signal at all (attention reduced to nothing when q, k, v and o are all decomposed).

Positions: every edge joins nodes at one position, except k/v → o of one attention block,
which join source position s ≤ target position t (the reference's topology): the other
cross-position effects run through attention via Δ only and are left out. The target must be
a causal language model.

`compute_attribution_graph` gets the same numbers with far less work:
- its forward gives each module the output (x Wᵀ + b).detach() + x Δᵀ − (x Δᵀ).detach(): the
  same values, gradient into x through Δ alone, with Δ one matrix instead of −(x@V)@U + x Wᵀ
  ((C + d_in)·d_out multiply-adds per token become d_in·d_out);
- its backward passes stop at module outputs, and ∂/∂post = (∂/∂output) Uᵀ is taken only at
  the positions and components that are nodes;
- same-position edges come from a forward whose attention passes gradient only within a
  position (same_position_attention), so one backward serves targets at many positions at
  once: a module's targets are packed into as many rows as it has targets at its busiest
  position, and the rows are batched (vmap over one-hot output gradients). A probe checks that
  the model mixes positions nowhere else; if it does, every target gets a row of its own;
- k/v → o edges come from a forward with ordinary attention, one row per o target, through
  the attention alone.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paramlens.analysis.graphs.nodes import ModuleNodes, NodeSelection, by_position, select_nodes
from paramlens.analysis.graphs.raw_graph import RawGraph
from paramlens.analysis.graphs.same_position_attention import SamePositionAttention
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.analysis.inputs import InputKind
from paramlens.decomp.ci_functions import CIFunction
from paramlens.decomp.component_model import ComponentModel, ForwardResult

# Attention projections whose output later positions read (c_attn: GPT-2's fused q, k, v), and
# the projections that write what was read. Only edges between such a pair cross positions.
_READ_ACROSS_POSITIONS = frozenset({"k_proj", "v_proj", "c_attn"})
_ATTENTION_OUTPUTS = frozenset({"o_proj", "c_proj"})

DEFAULT_CHUNK_SIZE = 32


def crosses_positions(source: str, target: str) -> bool:
    """Whether edges from module `source` to module `target` may join different positions."""
    source_block, _, source_name = source.rpartition(".")
    target_block, _, target_name = target.rpartition(".")
    return (
        source_block == target_block
        and source_name in _READ_ACROSS_POSITIONS
        and target_name in _ATTENTION_OUTPUTS
    )


@dataclass(frozen=True, eq=False)
class _Source:
    """What edges come from: the input nodes or one module's subcomponents.

    leaf: the tensor differentiated against, (1, T, ·), or a feature vector's (1, ·).
    readout: (C, d_out) turning a gradient at `leaf` into one at post (U, when the leaf is the
    module output), None when the leaf is post itself. edge_scale: (T, C) for a module (see
    ModuleNodes), the input (T, D) for the inputs: the embedding output, or the features.
    """

    nodes: ModuleNodes | None  # None for the inputs
    leaf: Tensor
    readout: Tensor | None
    edge_scale: Tensor

    def at_positions(self, grad: Tensor) -> Tensor:
        """A batched gradient at `leaf`, (rows, 1, ·) or (rows, 1, T, ·), as (rows, T, ·)."""
        return grad[:, 0] if self.leaf.dim() == 3 else grad[:, 0, None]


@dataclass(frozen=True, eq=False)
class _Targets:
    """Target nodes of one module (module None: the outputs) and the sources of their edges.

    Node i's activation is the dot product of tensor[0, positions[i]] with grad_rows[i], so its
    gradient at `tensor` is grad_rows[i] at positions[i]: tensor is a module's input x (1, T,
    d_in) with rows V_cᵀ, or the logits (1, T, vocab) with rows one-hot(token) − 1/vocab.
    Node i is differentiated in backward row slots[i]; nodes sharing a row are at different
    positions.
    """

    module: str | None
    tensor: Tensor
    grad_rows: Tensor  # (n, D)
    positions: Tensor  # (n,)
    node_index: Tensor  # (n,)
    slots: Tensor  # (n,)
    sources: list[_Source]
    inputs: "_Inputs"

    @property
    def n_rows(self) -> int:
        return int(self.slots.max()) + 1 if len(self.slots) else 0

    def in_rows(self, start: int, stop: int) -> Tensor:
        """(n,) bool: the nodes differentiated in rows [start, stop)."""
        return (self.slots >= start) & (self.slots < stop)

    def grad_outputs(self, start: int, stop: int) -> Tensor:
        """(stop − start, 1, T, D): per row, the gradient at `tensor` of its nodes' activations."""
        chosen = self.in_rows(start, stop)
        grads = self.tensor.new_zeros(stop - start, *self.tensor.shape)
        grads[self.slots[chosen] - start, 0, self.positions[chosen]] = self.grad_rows[chosen]
        return grads


@dataclass(frozen=True, eq=False)
class _Inputs:
    """The input nodes: the position each feeds, and for a feature vector the one dimension of
    the input each is, (n_in, D) (None for a prompt: a position's node is its whole embedding)."""

    positions: Tensor
    dims: Tensor | None


def _inputs(selection: NodeSelection) -> _Inputs:
    return _Inputs(selection.input_positions, selection.input_dims)


# Gradients of rows [start, stop) at each source's leaf: (rows, 1, T, ·), None where unused.
_Gradients = Callable[[_Targets, int, int], list[Tensor | None]]


@dataclass(frozen=True, eq=False)
class _Forward:
    """result: the output, and component acts when asked for. embedded: the input nodes' leaf,
    the embedding output (1, T, d_model) or the feature vector (1, F). Module inputs and
    outputs by path, in the autograd graph, when a module hook ran. T: positions (1 for a
    feature vector, whose tensors have no position axis: `positioned` gives them one)."""

    result: ForwardResult
    embedded: Tensor
    inputs: dict[str, Tensor]
    outputs: dict[str, Tensor]
    T: int

    def positioned(self, value: Tensor) -> Tensor:
        """(1, T, ·): a prompt's tensors as they are, a feature vector's (1, ·) as (1, 1, ·)."""
        return value if value.dim() == 3 else value.unsqueeze(1)

    @property
    def output(self) -> Tensor:
        return self.positioned(self.result.output)

    def embed_source(self) -> _Source:
        return _Source(None, self.embedded, None, by_position(self.embedded.detach(), self.T))


def compute_attribution_graph(
    model: ComponentModel,
    ci_fn: CIFunction,
    batch: Tensor,
    settings: GraphSettings,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    ci: Mapping[str, Tensor] | None = None,
    outputs: Sequence[tuple[int, int]] | None = None,
    kind: InputKind = "tokens",
) -> RawGraph:
    """The attribution graph of one input: a prompt's token ids (1, T), or with kind
    `features` a toy model's feature vector (1, F), which is one position whose input nodes
    are its active features.

    Each backward pass differentiates `chunk_size` rows at once; memory grows with
    chunk_size × T × Σ d_out. ci and outputs replace the CI function's CI and the likely
    outputs (see select_nodes).
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    selection = select_nodes(model, ci_fn, batch, settings, kind, ci, outputs)
    deltas = {path: delta.detach() for path, delta in model.weight_deltas().items()}
    with torch.enable_grad():
        with SamePositionAttention():
            within = _delta_forward(model, selection, deltas)
        packed = _positions_independent(within)
        edges = _edges_of(_same_position_targets(model, selection, within, packed), chunk_size)
        across = _cross_position_targets(model, selection, deltas)
        edges += _edges_of(across, chunk_size)
    return _graph(selection, edges)


def compute_attribution_graph_naive(
    model: ComponentModel,
    ci_fn: CIFunction,
    batch: Tensor,
    settings: GraphSettings,
    ci: Mapping[str, Tensor] | None = None,
    outputs: Sequence[tuple[int, int]] | None = None,
    kind: InputKind = "tokens",
) -> RawGraph:
    """The same graph the way the reference computes it: ComponentModel's all-ones forward with
    Δ, one backward per target node against every post. For tests and benchmarks."""
    selection = select_nodes(model, ci_fn, batch, settings, kind, ci, outputs)
    with torch.enable_grad():
        edges = _edges_of(_reference_targets(model, selection), 1, _one_by_one_gradients)
    return _graph(selection, edges)


def _batched_gradients(targets: _Targets, start: int, stop: int) -> list[Tensor | None]:
    grads = torch.autograd.grad(
        targets.tensor,
        [source.leaf for source in targets.sources],
        grad_outputs=targets.grad_outputs(start, stop),
        retain_graph=True,
        is_grads_batched=True,
        allow_unused=True,
    )
    return list(grads)


def _one_by_one_gradients(targets: _Targets, start: int, stop: int) -> list[Tensor | None]:
    assert stop == start + 1
    grads = torch.autograd.grad(
        targets.tensor,
        [source.leaf for source in targets.sources],
        grad_outputs=targets.grad_outputs(start, stop)[0],
        retain_graph=True,
        allow_unused=True,
    )
    return [None if grad is None else grad.unsqueeze(0) for grad in grads]


_Edges = tuple[Tensor, Tensor, Tensor]  # (target, source, weight), (E,) each


def _edges_of(
    layers: Iterator[_Targets] | list[_Targets],
    chunk_size: int,
    gradients: _Gradients = _batched_gradients,
) -> list[_Edges]:
    return [
        _edges(targets, start, stop, gradients(targets, start, stop))
        for targets in layers
        for start, stop in _chunks(targets.n_rows, chunk_size)
    ]


def _graph(selection: NodeSelection, edges: list[_Edges]) -> RawGraph:
    no_index = torch.zeros(0, dtype=torch.long, device=selection.batch.device)
    target = torch.cat([no_index, *(edge[0] for edge in edges)])
    source = torch.cat([no_index, *(edge[1] for edge in edges)])
    weight = torch.cat([selection.output_values.new_zeros(0), *(edge[2] for edge in edges)])
    order = torch.argsort(target * len(selection.nodes) + source)  # deterministic edge order
    tokens = selection.batch[0].tolist() if selection.kind == "tokens" else []
    return RawGraph(
        token_ids=tuple(int(token) for token in tokens),
        modules=tuple(nodes.path for nodes in selection.modules),
        nodes=tuple(selection.nodes),
        edge_targets=target[order].cpu(),
        edge_sources=source[order].cpu(),
        edge_weights=weight[order].detach().cpu(),
    )


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(start + size, n)


def _edges(targets: _Targets, start: int, stop: int, grads: list[Tensor | None]) -> _Edges:
    """The edges into the nodes of rows [start, stop): every pair the position rules allow whose
    source reaches the target, whatever the weight (an exact zero here can be a rounding error in
    another computation of the same graph)."""
    chosen = targets.in_rows(start, stop)
    rows = targets.slots[chosen] - start  # (k,) the backward row of each chosen node
    positions = targets.positions[chosen]  # (k,)
    nodes = torch.arange(len(rows), device=rows.device)
    found: list[tuple[Tensor, Tensor, Tensor]] = []  # (chosen node, source node, weight)
    for source, grad in zip(targets.sources, grads, strict=True):
        if grad is None:
            continue
        grad = source.at_positions(grad)  # (rows, T, ·)
        if source.nodes is None:
            found.append(
                _input_edges(targets.inputs, nodes, positions, grad[rows, positions], source)
            )
            continue
        node_index, edge_scale = source.nodes.node_index, source.nodes.edge_scale  # (T, C)
        if targets.module is not None and crosses_positions(source.nodes.path, targets.module):
            at_post = grad[rows] if source.readout is None else grad[rows] @ source.readout.T
            T = grad.shape[1]
            earlier = torch.arange(T, device=grad.device)[None, :] <= positions[:, None]  # (k, T)
            pairs = earlier[:, :, None] & (node_index >= 0)[None]  # (k, T, C)
            node, position, component = pairs.nonzero(as_tuple=True)
            weight = at_post[node, position, component]
        else:  # same position only
            at_target = grad[rows, positions]  # (k, ·)
            at_post = at_target if source.readout is None else at_target @ source.readout.T
            node, component = (node_index[positions] >= 0).nonzero(as_tuple=True)
            position = positions[node]
            weight = at_post[node, component]
        scale = edge_scale[position, component]
        found.append((node, node_index[position, component], weight * scale))
    no_index = torch.zeros(0, dtype=torch.long, device=rows.device)
    node = torch.cat([no_index, *(f[0] for f in found)])
    source_index = torch.cat([no_index, *(f[1] for f in found)])
    weight = torch.cat([targets.tensor.new_zeros(0), *(f[2] for f in found)])
    return targets.node_index[chosen][node], source_index, weight


def _input_edges(
    inputs: _Inputs, nodes: Tensor, positions: Tensor, grad: Tensor, source: _Source
) -> tuple[Tensor, Tensor, Tensor]:
    """Edges from the input nodes into the chosen nodes (k,) at `positions`; grad (k, D) at the
    input leaf there. A prompt's input node at a position is the whole embedding, so its weight
    is the gradient · embedding output summed over d_model; a feature vector's input node is one
    feature i at the one position, weighted ∂/∂x_i · x_i. Input node j has node index j."""
    at_input = grad * source.edge_scale[positions]  # (k, D)
    if inputs.dims is None:
        return nodes, positions, at_input.sum(-1)
    weight = at_input @ inputs.dims.T  # (k, n_in)
    node, j = (inputs.positions[None, :] == positions[:, None]).nonzero(as_tuple=True)
    return node, j, weight[node, j]


def _hooked_forward(
    model: ComponentModel,
    selection: NodeSelection,
    forward: Callable[[Tensor], ForwardResult],
    module_hook: Callable[[str, Tensor, Tensor], Tensor] | None = None,
) -> _Forward:
    """Run `forward` on the input with the input nodes' tensor made a leaf (a prompt's
    embedding output, or the feature vector itself) and, if given, each decomposed module's
    output y replaced by module_hook(path, x, y)."""
    leaves: list[Tensor] = []
    inputs: dict[str, Tensor] = {}
    outputs: dict[str, Tensor] = {}

    def embed_hook(module: nn.Module, args: Any, output: Tensor) -> Tensor:
        leaves.append(output.detach().requires_grad_())
        return leaves[-1]

    def hook(path: str, module: nn.Module, args: tuple[Any, ...], output: Tensor) -> Tensor:
        if len(args) != 1 or not isinstance(args[0], Tensor):
            raise TypeError(f"module {path!r} must be called with exactly one tensor argument")
        assert module_hook is not None
        inputs[path] = args[0]
        outputs[path] = module_hook(path, args[0], output)
        return outputs[path]

    batch = selection.batch
    handles = []
    if selection.embedding is not None:
        handles.append(selection.embedding.register_forward_hook(embed_hook))
    else:
        batch = batch.detach().clone().requires_grad_()
        leaves.append(batch)
    if module_hook is not None:
        handles += [
            model.target.get_submodule(path).register_forward_hook(partial(hook, path))
            for path in model.module_paths
        ]
    try:
        result = forward(batch)
    finally:
        for handle in handles:
            handle.remove()
    if len(leaves) != 1:
        raise ValueError(f"the token embedding ran {len(leaves)} times in one forward, not once")
    return _Forward(result, leaves[0], inputs, outputs, selection.n_positions)


def _delta_forward(
    model: ComponentModel, selection: NodeSelection, deltas: dict[str, Tensor]
) -> _Forward:
    """The target's forward, each module output passing gradient into its input through Δ alone."""

    def through_delta(path: str, x: Tensor, y: Tensor) -> Tensor:
        x_delta = x @ deltas[path].T  # (..., d_out): x Δᵀ
        return y.detach() + (x_delta - x_delta.detach())  # the value of y, the gradient of x Δᵀ

    return _hooked_forward(model, selection, lambda batch: model(batch), through_delta)


def _positions_independent(forward: _Forward) -> bool:
    """Whether the last position's outputs have zero gradient at every other position's input."""
    if forward.T == 1:
        return True
    last = forward.output[0, -1]  # (vocab,)
    generator = torch.Generator().manual_seed(0)
    direction = torch.randn(last.shape, generator=generator).to(last)
    (grad,) = torch.autograd.grad(last @ direction, forward.embedded, retain_graph=True)
    return bool((grad[0, :-1] == 0).all())


def _delta_sources(
    model: ComponentModel, selection: NodeSelection, forward: _Forward
) -> list[_Source]:
    """The embedding, then each module's subcomponents read at its output, in forward order."""
    return [forward.embed_source()] + [
        _Source(
            nodes,
            forward.outputs[nodes.path],
            model.components_of(nodes.path).U.detach(),
            nodes.edge_scale,
        )
        for nodes in selection.modules
    ]


def _slots(positions: Tensor, packed: bool) -> Tensor:
    """(n,) backward row per node: a row of its own, or, packed, its rank among the nodes at its
    position (positions are sorted)."""
    if not packed or not len(positions):
        return torch.arange(len(positions), device=positions.device)
    _, counts = torch.unique_consecutive(positions, return_counts=True)
    first = torch.repeat_interleave(torch.cumsum(counts, 0) - counts, counts)  # (n,)
    return torch.arange(len(positions), device=positions.device) - first


def _same_position_targets(
    model: ComponentModel, selection: NodeSelection, forward: _Forward, packed: bool
) -> list[_Targets]:
    """Every target with its same-position sources, from a same-position-attention forward."""
    sources = _delta_sources(model, selection, forward)
    layers = []
    for i, nodes in enumerate(selection.modules):
        if len(nodes.positions):
            V = model.components_of(nodes.path).V.detach()  # (d_in, C)
            grad_rows = V[:, nodes.components].T  # (n, d_in): pre_c = x · V_c
            same = [
                source
                for source in sources[: i + 1]
                if source.nodes is None or not crosses_positions(source.nodes.path, nodes.path)
            ]
            slots = _slots(nodes.positions, packed)
            x = forward.positioned(forward.inputs[nodes.path])
            layers.append(_module_targets(selection, nodes, x, grad_rows, slots, same))
    slots = _slots(selection.output_positions, packed)
    layers.append(_output_targets(selection, forward.output, slots, sources))
    return layers


def _cross_position_targets(
    model: ComponentModel, selection: NodeSelection, deltas: dict[str, Tensor]
) -> Iterator[_Targets]:
    """The targets that read other positions (o of an attention block) with those sources (its
    k, v), each target in a row of its own, from a forward with ordinary attention."""
    forward: _Forward | None = None
    for i, nodes in enumerate(selection.modules):
        crossing = {earlier.path for earlier in selection.modules[:i]}
        crossing = {path for path in crossing if crosses_positions(path, nodes.path)}
        if not (len(nodes.positions) and crossing):
            continue
        forward = forward or _delta_forward(model, selection, deltas)
        sources = [
            source
            for source in _delta_sources(model, selection, forward)
            if source.nodes is not None and source.nodes.path in crossing
        ]
        V = model.components_of(nodes.path).V.detach()  # (d_in, C)
        slots = _slots(nodes.positions, packed=False)
        x = forward.positioned(forward.inputs[nodes.path])
        yield _module_targets(selection, nodes, x, V[:, nodes.components].T, slots, sources)


def _reference_targets(model: ComponentModel, selection: NodeSelection) -> list[_Targets]:
    """ComponentModel's forward with all masks 1 and Δ included; sources are the posts."""
    device = selection.batch.device
    masks = {path: torch.ones(C, device=device) for path, C in model.module_C.items()}
    delta_masks = {path: torch.ones((), device=device) for path in model.module_paths}

    def forward(batch: Tensor) -> ForwardResult:
        result: ForwardResult = model(
            batch, masks=masks, delta_masks=delta_masks, cache=["component_acts"]
        )
        return result

    run = _hooked_forward(model, selection, forward)
    acts = run.result.component_acts
    sources = [run.embed_source()]
    sources += [
        _Source(nodes, acts[nodes.path].post, None, nodes.edge_scale) for nodes in selection.modules
    ]
    layers = []
    for i, nodes in enumerate(selection.modules):
        if len(nodes.positions):
            pre = run.positioned(acts[nodes.path].pre)  # (1, T, C)
            eye = torch.eye(pre.shape[-1], dtype=pre.dtype, device=pre.device)
            slots = _slots(nodes.positions, packed=False)
            layers.append(
                _module_targets(
                    selection, nodes, pre, eye[nodes.components], slots, sources[: i + 1]
                )
            )
    slots = _slots(selection.output_positions, packed=False)
    layers.append(_output_targets(selection, run.output, slots, sources))
    return layers


def _module_targets(
    selection: NodeSelection,
    nodes: ModuleNodes,
    tensor: Tensor,
    grad_rows: Tensor,
    slots: Tensor,
    sources: list[_Source],
) -> _Targets:
    node_index = nodes.node_index[nodes.positions, nodes.components]
    inputs = _inputs(selection)
    return _Targets(
        nodes.path, tensor, grad_rows, nodes.positions, node_index, slots, sources, inputs
    )


def _output_targets(
    selection: NodeSelection, output: Tensor, slots: Tensor, sources: list[_Source]
) -> _Targets:
    """output (1, T, n): a token's activation is its logit minus the mean logit; a toy
    output's, its value."""
    n = output.shape[-1]
    grad_rows = F.one_hot(selection.output_tokens, n).to(output.dtype)
    if selection.kind == "tokens":
        grad_rows = grad_rows - 1 / n  # ∂(logit − mean)/∂logits
    positions, node_index = selection.output_positions, selection.output_index
    return _Targets(
        None, output, grad_rows, positions, node_index, slots, sources, _inputs(selection)
    )
