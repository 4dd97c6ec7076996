"""`DecompositionConfig`: the native `*.decomp.yaml` format, and the source of its JSON Schema."""

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from paramlens.config import checks
from paramlens.config.presets import with_defaults
from paramlens.config.sections.adversary import Adversary
from paramlens.config.sections.analysis import Analysis
from paramlens.config.sections.base import Section
from paramlens.config.sections.ci_function import CiFunction
from paramlens.config.sections.data import Data
from paramlens.config.sections.logs import Logging
from paramlens.config.sections.losses import Losses
from paramlens.config.sections.modules import ModuleSpec
from paramlens.config.sections.target import Target
from paramlens.config.sections.training import Training

Method = Literal["spd", "vpd"]


class DecompositionConfig(Section):
    """A parameter decomposition run: what to decompose, how, and what to look at after.

    `method` fills every key the file leaves out with that method's paper settings
    (`paramlens.config.presets`); any value the file gives wins.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, title="ParamLens decomposition config")

    method: Method = Field(
        description=(
            "spd: stochastic parameter decomposition, the SPD paper's toy-model settings. "
            "vpd: SPD plus an adversary and a global transformer CI function, the VPD paper's "
            "language-model settings. Presets fill every key not given here."
        )
    )
    seed: int = Field(default=0, ge=0, description="Seed for initialisation, masks and data order.")
    target: Target = Field(description="The trained model to decompose.")
    data: Data = Field(description="Inputs the target is run on during decomposition.")
    modules: tuple[ModuleSpec, ...] = Field(
        min_length=1, description="Weight matrices to decompose, by module name pattern."
    )
    ci_function: CiFunction = Field(
        description="Network that predicts the causal importance of every subcomponent."
    )
    losses: Losses = Field(description="Terms of the training objective and their weights.")
    output_loss: Literal["kl", "mse"] = Field(
        description=(
            "Divergence between target and masked outputs: kl (language models) or mse. "
            "Default: mse for the toy targets, kl for language models."
        )
    )
    adversary: Adversary = Field(
        default_factory=Adversary,
        description="Adversarial masks: VPD's persistent training adversary and the PGD eval.",
    )
    training: Training = Field(description="The optimisation loop.")
    logging: Logging = Field(description="Metrics, evaluation and checkpoint cadence.")
    analysis: Analysis | None = Field(
        default=None, description="Prompts, subcomponents and interventions to study afterwards."
    )

    @model_validator(mode="before")
    @classmethod
    def _fill_defaults(cls, raw: object) -> object:
        return with_defaults(raw)

    @model_validator(mode="after")
    def _check_consistency(self) -> "DecompositionConfig":
        checks.check_unique_patterns(self.modules)
        checks.check_data_fits_target(self.target, self.data)
        checks.check_sequence_fits(self.ci_function, self.data)
        checks.check_adversary_sources(
            self.losses,
            self.adversary.persistent.n_sources,
            self.training,
            self.logging.eval_batch_size,
        )
        if self.analysis is not None:
            checks.check_analysis(self.analysis, self.target, self.data, self.modules)
        return self
