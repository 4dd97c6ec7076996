"""Settings that shape an attribution graph, stored in the graph file to say how it was made."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class GraphSettings(BaseModel):
    """How nodes, edges and output tokens are chosen, and how the graph is pruned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ci_threshold: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="A subcomponent at a position is a node when its CI exceeds this.",
    )
    multiply_by_ci: bool = Field(
        default=True,
        description="Scale each edge by its source's causal importance (the paper's formula); "
        "off gives gradient × activation only, as the reference app shows.",
    )
    output_positions: Literal["last", "all"] = Field(
        default="last", description="Positions whose next-token predictions become output nodes."
    )
    output_min_probability: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description="Tokens at least this likely become output nodes; the most likely always does.",
    )
    output_max_per_position: int = Field(
        default=15, ge=1, description="At most this many output nodes per position."
    )
    node_threshold: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="Pruning keeps the fewest subcomponent nodes holding this share of the "
        "influence on the outputs.",
    )
    edge_threshold: float = Field(
        default=0.98,
        ge=0.0,
        le=1.0,
        description="Pruning keeps the fewest edges holding this share of the edge scores.",
    )
