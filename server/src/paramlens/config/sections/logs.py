"""`logging`: what is measured and saved while a run trains; never changes the result."""

from pydantic import Field

from paramlens.config.sections.base import Section


class Logging(Section):
    """Cadence of metrics, evaluations and checkpoints, and metric thresholds."""

    log_every: int = Field(
        default=100, ge=1, description="Steps between lines of training losses in metrics.jsonl."
    )
    eval_every: int = Field(
        default=1000, ge=1, description="Steps between evaluations (L0, CE/KL, PGD recon)."
    )
    eval_batches: int = Field(default=1, ge=1, description="Batches averaged per evaluation.")
    eval_batch_size: int = Field(ge=1, description="Samples per evaluation batch.")
    checkpoint_every: int | None = Field(
        default=1000,
        ge=1,
        description="Steps between resumable checkpoints; null: only the final state is saved.",
    )
    ci_alive_threshold: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="A subcomponent fires where its CI is above this (L0, activation density).",
    )
    rounding_threshold: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="CI above this counts as 1 in the rounded-mask evaluation, else 0.",
    )
