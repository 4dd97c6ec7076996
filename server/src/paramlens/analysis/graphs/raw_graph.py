"""An attribution graph as computed, before pruning: node records and edge tensors."""

from dataclasses import dataclass

from torch import Tensor

from paramlens.ids import ComponentNodeId, EmbedNodeId, NodeId, OutputNodeId, format_node_id


@dataclass(frozen=True)
class ComponentNodeData:
    """Subcomponent `component` of `module` at `position`; activation is x@V_c, unscaled."""

    module: str
    position: int
    component: int
    ci: float
    activation: float


@dataclass(frozen=True)
class EmbedNodeData:
    """The input at `position`: a token, or in a feature graph one active input feature
    (token_id its index, value its value)."""

    position: int
    token_id: int
    value: float | None = None


@dataclass(frozen=True)
class OutputNodeData:
    """A likely next token predicted at `position` (in a feature graph: output dimension
    token_id, weighted by its share of the outputs' magnitude). activation: what edges into
    it attribute, the logit minus the mean logit (tokens) or the output value (features)."""

    position: int
    token_id: int
    probability: float
    activation: float | None = None


RawNode = ComponentNodeData | EmbedNodeData | OutputNodeData


def node_id(node: RawNode) -> str:
    """The node's graph ID (DESIGN.md, "Subcomponent and node IDs")."""
    parsed: NodeId
    if isinstance(node, ComponentNodeData):
        parsed = ComponentNodeId(node.module, node.position, node.component)
    elif isinstance(node, EmbedNodeData):
        parsed = EmbedNodeId(node.position)
    else:
        parsed = OutputNodeId(node.position, node.token_id)
    return format_node_id(parsed)


@dataclass(frozen=True, eq=False)
class RawGraph:
    """token_ids: the prompt (feature graphs: the active features' indices). modules:
    decomposed modules in the order the forward runs them.

    nodes: embeddings by position, then subcomponents by module (in `modules` order), position
    and component, then outputs; every edge goes from a lower to a higher index, so the
    adjacency is strictly lower triangular. Edges (E,) each: edge_targets and edge_sources
    index `nodes`; edge_weights are the direct effects, sorted by (target, source).
    """

    token_ids: tuple[int, ...]
    modules: tuple[str, ...]
    nodes: tuple[RawNode, ...]
    edge_targets: Tensor
    edge_sources: Tensor
    edge_weights: Tensor

    @property
    def node_ids(self) -> list[str]:
        return [node_id(node) for node in self.nodes]
