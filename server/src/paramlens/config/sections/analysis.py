"""`analysis`: prompts, subcomponents and interventions to look at once the run is done."""

from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from paramlens.config.sections.base import Section
from paramlens.ids import parse_subcomponent_id

# Both full (`h.2.mlp.down_proj:2359`) and short (`2.mlp.down:2359`) IDs fit this grammar.
_ID_PATTERN = r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*:(0|[1-9][0-9]*)$"


def _check_id(text: str) -> str:
    parse_subcomponent_id(text)
    return text


SubcomponentRef = Annotated[
    str,
    AfterValidator(_check_id),
    Field(
        description="A subcomponent: `<module_path>:<index>` or a short name like `2.mlp.down:12`.",
        json_schema_extra={"pattern": _ID_PATTERN},
    ),
]


class PromptSpec(Section):
    """A prompt to build an attribution graph for."""

    prompt: str = Field(min_length=1, description="The text, tokenised with the run's tokenizer.")
    name: str | None = Field(
        default=None, min_length=1, description="Short label for the graph; default: the prompt."
    )


class Intervention(Section):
    """Run a prompt with only some subcomponents kept, or with some ablated."""

    prompt: str = Field(min_length=1, description="The text to run.")
    name: str | None = Field(default=None, min_length=1, description="Short label.")
    keep: tuple[SubcomponentRef, ...] | None = Field(
        default=None, min_length=1, description="Keep only these subcomponents (mask 1, rest 0)."
    )
    ablate: tuple[SubcomponentRef, ...] | None = Field(
        default=None, min_length=1, description="Ablate these subcomponents (mask 0, rest 1)."
    )

    @model_validator(mode="after")
    def _keep_or_ablate(self) -> "Intervention":
        if (self.keep is None) == (self.ablate is None):
            raise ValueError("give exactly one of keep, ablate")
        return self


class Analysis(Section):
    """Optional; the editor offers these once the run has finished."""

    prompts: tuple[PromptSpec, ...] = Field(
        default=(), description="Prompts to build attribution graphs for."
    )
    components: tuple[SubcomponentRef, ...] = Field(
        default=(), description="Subcomponents to pin in graphs and the component tree."
    )
    interventions: tuple[Intervention, ...] = Field(
        default=(), description="Keep-only or ablation experiments to run."
    )
