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


class CircuitSettings(BaseModel):
    """How a circuit is optimised for one prompt's target token (spec/decomposition.md section
    10, post-hoc CI pruning) and how the result is judged. Defaults are small enough for a CPU;
    the paper ran 2000–4000 steps."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: int = Field(default=300, ge=1, description="Optimisation steps.")
    lr: float = Field(default=0.05, gt=0.0, description="Peak AdamW learning rate.")
    lr_warmup_frac: float = Field(
        default=0.05, ge=0.0, lt=1.0, description="Share of the steps the lr warms up over."
    )
    lr_final_frac: float = Field(
        default=0.1, ge=0.0, le=1.0, description="The cosine schedule ends at lr times this."
    )
    weight_decay: float = Field(default=0.0, ge=0.0, description="AdamW weight decay.")
    stochastic_coeff: float = Field(
        default=0.5, ge=0.0, description="Weight of the target's CE under stochastic masks."
    )
    pgd_coeff: float = Field(
        default=0.5, ge=0.0, description="Weight of the target's CE under adversarial masks."
    )
    pgd_steps: int = Field(default=4, ge=1, description="Sign-ascent steps of each adversary.")
    pgd_step_size: float = Field(default=1.0, gt=0.0, description="The adversary's step size.")
    importance_coeff: float = Field(
        default=0.1, ge=0.0, description="Weight of the importance-minimality loss."
    )
    p: float = Field(default=0.3, gt=0.0, description="Exponent of the importance minimality.")
    beta: float = Field(
        default=0.0, ge=0.0, description="Weight of the frequency term inside the minimality."
    )
    ci_threshold: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="A (position, component) is in the circuit when its CI exceeds this.",
    )
    eval_samples: int = Field(
        default=64, ge=1, description="Stochastic masks averaged over when judging a circuit."
    )
    eval_pgd_steps: int = Field(
        default=20, ge=1, description="Sign-ascent steps of the adversary that judges a circuit."
    )
    eval_pgd_step_size: float = Field(
        default=0.1, gt=0.0, description="Step size of the adversary that judges a circuit."
    )
    compare_ci_only: bool = Field(
        default=True,
        description="Also optimise a circuit on its CI-masked CE alone, the contrast that "
        "shows why the stochastic and adversarial losses are needed.",
    )
    seed: int = Field(default=0, description="Seed of the masks and adversaries.")
