"""`adversary`: the adversarial masks of VPD (spec §5)."""

from typing import Literal

from pydantic import Field, model_validator

from paramlens.config.sections.base import KeyPathError, Section

PersistentScope = Literal[
    "per_batch_per_position", "single_source", "broadcast_across_batch", "repeat_across_batch"
]


class PersistentAdversary(Section):
    """Sources kept across training steps and moved by projected gradient ascent.

    Used when `losses.ppgd_recon` is on. Defaults are the VPD paper's.
    """

    optimizer: Literal["adam", "sign"] = Field(
        default="adam", description="Ascent rule: bias-corrected Adam, or the sign of the gradient."
    )
    lr: float = Field(default=0.01, gt=0, description="Ascent step size after warmup.")
    warmup_frac: float = Field(
        default=0.025,
        ge=0,
        lt=1,
        description="Fraction of training over which the step size ramps up linearly from 0.",
    )
    beta1: float = Field(default=0.5, ge=0, lt=1, description="Adam's first-moment decay.")
    beta2: float = Field(default=0.99, ge=0, lt=1, description="Adam's second-moment decay.")
    eps: float = Field(default=1e-8, gt=0, description="Adam's denominator floor.")
    scope: PersistentScope = Field(
        default="per_batch_per_position",
        description=(
            "Shape of the sources: one per batch element and position [B,T,C+1]; "
            "`single_source` [1,1,C+1]; `broadcast_across_batch` [1,T,C+1]; "
            "`repeat_across_batch` [n_sources,T,C+1] tiled over the batch."
        ),
    )
    n_sources: int | None = Field(
        default=None,
        ge=1,
        description="Number of sources for `repeat_across_batch`; must divide the batch sizes.",
    )
    n_warmup_steps: int = Field(
        default=2,
        ge=0,
        description=(
            "Extra ascent steps on each batch before the loss is taken (one more follows "
            "the backward pass)."
        ),
    )

    @model_validator(mode="after")
    def _check_sources(self) -> "PersistentAdversary":
        if self.scope == "repeat_across_batch" and self.n_sources is None:
            raise KeyPathError(("n_sources",), "scope repeat_across_batch needs n_sources")
        if self.scope != "repeat_across_batch" and self.n_sources is not None:
            raise KeyPathError(
                ("n_sources",),
                f"n_sources applies only to scope repeat_across_batch, not {self.scope}",
            )
        return self


class EvalAdversary(Section):
    """Fresh PGD at evaluation: the headline faithfulness metric."""

    n_steps: int = Field(default=20, ge=1, description="Sign-ascent steps per evaluation.")
    step_size: float = Field(default=0.1, gt=0, description="Size of each sign-ascent step.")
    scope: Literal["shared_across_batch", "unique_per_datapoint"] = Field(
        default="shared_across_batch",
        description=(
            "One source shared by every sample and position (systematic attacks), "
            "or one per sample."
        ),
    )


class Adversary(Section):
    """Settings of both adversaries; the defaults are the VPD paper's."""

    persistent: PersistentAdversary = Field(
        default_factory=PersistentAdversary,
        description="The training adversary behind `losses.ppgd_recon`.",
    )
    eval: EvalAdversary = Field(
        default_factory=EvalAdversary, description="The evaluation adversary."
    )
