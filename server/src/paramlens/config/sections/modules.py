"""`modules`: which weight matrices to decompose, and into how many subcomponents."""

from pydantic import Field

from paramlens.config.sections.base import Section


class ModuleSpec(Section):
    """One pattern and the number of subcomponents of every module it matches."""

    pattern: str = Field(
        min_length=1,
        description=(
            "fnmatch pattern over the names `model.named_modules()` gives, e.g. `h.*.mlp.c_fc`. "
            "It must match at least one module, and no module may match two patterns."
        ),
    )
    C: int = Field(
        ge=1, description="Number of rank-one subcomponents for each module the pattern matches."
    )
