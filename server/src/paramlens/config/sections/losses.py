"""`losses`: the terms of the training objective and their coefficients (spec §4)."""

from typing import Literal

from pydantic import Field, model_validator

from paramlens.config.sections.base import KeyPathError, Section

Routing = Literal["all", "uniform_k_subset"]
_ROUTING = (
    "Which modules use their components in a masked forward: `all` of them, or a random "
    "k-subset per position with k uniform in 1..L (the rest keep their original weights)."
)


class FaithfulnessLoss(Section):
    """Mean squared difference between the target weights and the sum of subcomponents."""

    coeff: float = Field(gt=0, description="Weight of the loss in the total.")


class ImportanceMinimalityLoss(Section):
    """Pushes causal importances towards 0, with VPD's frequency term when `beta` > 0.

    The exponent p goes linearly from `p_start` to `p_final` between the two anneal fractions
    of training.
    """

    coeff: float = Field(gt=0, description="Weight of the loss in the total.")
    p_start: float = Field(gt=0, description="Exponent p of |CI|^p at the start of training.")
    p_final: float = Field(gt=0, description="Exponent p at the end of annealing.")
    p_anneal_start_frac: float = Field(
        default=0.0, ge=0, le=1, description="Fraction of training at which p starts to move."
    )
    p_anneal_end_frac: float = Field(
        default=1.0, ge=0, le=1, description="Fraction of training at which p reaches p_final."
    )
    beta: float = Field(
        ge=0,
        description="Weight of the frequency term s·log2(1 + Σ|CI|^p); 0 gives SPD's plain loss.",
    )
    eps: float = Field(
        default=1e-12, gt=0, description="Added to CI before the power, so p < 1 stays finite."
    )

    @model_validator(mode="after")
    def _check_anneal_window(self) -> "ImportanceMinimalityLoss":
        if self.p_anneal_start_frac > self.p_anneal_end_frac:
            raise KeyPathError(
                ("p_anneal_end_frac",),
                f"p_anneal_end_frac ({self.p_anneal_end_frac}) must not be before "
                f"p_anneal_start_frac ({self.p_anneal_start_frac})",
            )
        return self


class StochasticReconLoss(Section):
    """Output divergence under masks with uniformly random sources."""

    coeff: float = Field(gt=0, description="Weight of the loss in the total.")
    routing: Routing = Field(description=_ROUTING)


class LayerwiseReconLoss(Section):
    """Stochastic reconstruction with one decomposed module masked at a time (SPD)."""

    coeff: float = Field(gt=0, description="Weight of the loss in the total.")


class PpgdReconLoss(Section):
    """Output divergence under the persistent adversary's masks (VPD); see `adversary`."""

    coeff: float = Field(gt=0, description="Weight of the loss in the total.")
    routing: Routing = Field(default="all", description=_ROUTING)


class Losses(Section):
    """Null (or omitted, where `method` has no default for it) turns a term off."""

    faithfulness: FaithfulnessLoss | None = Field(
        default=None, description="Δ-L2 faithfulness of the subcomponents to the target weights."
    )
    importance_minimality: ImportanceMinimalityLoss = Field(
        description="Sparsity of causal importance; always on."
    )
    stochastic_recon: StochasticReconLoss | None = Field(
        default=None, description="Reconstruction under stochastic masks."
    )
    stochastic_recon_layerwise: LayerwiseReconLoss | None = Field(
        default=None, description="Reconstruction under stochastic masks, one module at a time."
    )
    ppgd_recon: PpgdReconLoss | None = Field(
        default=None, description="Reconstruction under the persistent adversarial masks."
    )

    @model_validator(mode="after")
    def _needs_reconstruction(self) -> "Losses":
        if (
            self.stochastic_recon is None
            and self.stochastic_recon_layerwise is None
            and self.ppgd_recon is None
        ):
            raise ValueError(
                "turn on at least one reconstruction loss: stochastic_recon, "
                "stochastic_recon_layerwise or ppgd_recon; without one, every CI collapses to 0"
            )
        return self
