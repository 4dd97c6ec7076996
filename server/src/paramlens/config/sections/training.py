"""`training`: the optimisation loop (spec §6)."""

from typing import Literal

from pydantic import Field, model_validator

from paramlens.config.sections.base import KeyPathError, Section


class LrSchedule(Section):
    """Linear warmup to `training.lr`, then decay to `final_frac` of it."""

    kind: Literal["cosine", "linear", "constant"] = Field(description="Shape of the decay.")
    warmup_frac: float = Field(
        ge=0, lt=1, description="Fraction of training spent warming up linearly from 0."
    )
    final_frac: float = Field(
        ge=0, description="Final learning rate as a fraction of `lr`; must be 1 for constant."
    )

    @model_validator(mode="after")
    def _constant_stays(self) -> "LrSchedule":
        if self.kind == "constant" and self.final_frac != 1.0:
            raise KeyPathError(
                ("final_frac",), f"a constant schedule ends at 1.0 × lr, not {self.final_frac}"
            )
        return self


class FaithfulnessWarmup(Section):
    """AdamW on the subcomponents alone, minimising the faithfulness loss before training."""

    steps: int = Field(ge=0, description="Warmup steps; 0 skips the warmup.")
    lr: float = Field(gt=0, description="AdamW learning rate during the warmup.")
    weight_decay: float = Field(ge=0, description="AdamW weight decay during the warmup.")


class Training(Section):
    """AdamW (no weight decay) on the subcomponents and the CI function."""

    steps: int = Field(ge=1, description="Optimisation steps, after the faithfulness warmup.")
    batch_size: int = Field(
        ge=1, description="Samples (sequences for LMs) per step, summed over all devices."
    )
    lr: float = Field(gt=0, description="Peak learning rate.")
    lr_schedule: LrSchedule = Field(description="Warmup and decay of the learning rate.")
    grad_clip_components: float | None = Field(
        gt=0,
        description=(
            "Clip the gradient norm of the subcomponents (U, V) to this; null: no clipping. "
            "Needed when p < 1, whose gradients near 0 are huge."
        ),
    )
    grad_clip_ci_function: float | None = Field(
        default=None,
        gt=0,
        description="Clip the gradient norm of the CI function to this; null: no clipping.",
    )
    faithfulness_warmup: FaithfulnessWarmup = Field(
        description="Fits the subcomponents to the target weights before the main loop."
    )
    n_mask_samples: int = Field(
        default=1, ge=1, description="Stochastic masks drawn per step for the stochastic losses."
    )
    autocast_bf16: bool = Field(
        description="Run forward passes under bfloat16 autocast on CUDA devices (ignored on CPU)."
    )
    device: str = Field(
        default="auto",
        description="`auto` (CUDA when available, else CPU), `cpu`, `cuda` or `cuda:<n>`.",
        json_schema_extra={"pattern": r"^(auto|cpu|cuda(:[0-9]+)?)$"},
    )

    @model_validator(mode="after")
    def _check_device(self) -> "Training":
        device = self.device
        if device not in ("auto", "cpu", "cuda") and not (
            device.startswith("cuda:") and device[5:].isdigit()
        ):
            raise KeyPathError(("device",), f"expected auto, cpu, cuda or cuda:<n>, got {device!r}")
        return self
