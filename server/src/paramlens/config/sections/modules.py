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
    transpose_of: str | None = Field(
        default=None,
        min_length=1,
        description=(
            "Path of another decomposed module whose weight is this module's transpose, e.g. "
            "`linear1` for TMS's `linear2`, which the target was trained with tied to "
            "`linear1`ᵀ. This module then shares that module's subcomponents, transposed, "
            "instead of learning its own: subcomponent c of both is one rank-one map, read "
            "in both directions, and each module keeps its own causal importances. The "
            "pattern must match exactly one module, and both need the same C."
        ),
    )
