"""`ci_function`: the network that predicts each subcomponent's causal importance."""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from paramlens.config.sections.base import KeyPathError, Section

HiddenDims = tuple[Annotated[int, Field(ge=1)], ...]


class MlpCi(Section):
    """One small MLP per subcomponent on its scalar inner activation (SPD's toy setting)."""

    type: Literal["mlp"] = Field(description="CI function kind.")
    hidden_dims: HiddenDims = Field(
        default=(16,), description="Widths of the hidden layers of each per-subcomponent MLP."
    )


class VectorMlpCi(Section):
    """One MLP per subcomponent on the module's whole input vector."""

    type: Literal["vector_mlp"] = Field(description="CI function kind.")
    hidden_dims: HiddenDims = Field(
        default=(16,), description="Widths of the hidden layers of each per-subcomponent MLP."
    )


class SharedMlpCi(Section):
    """One MLP per module mapping its input to the CI of all its C subcomponents."""

    type: Literal["shared_mlp"] = Field(description="CI function kind.")
    hidden_dims: HiddenDims = Field(
        default=(16,), description="Widths of the hidden layers of each per-module MLP."
    )


class GlobalTransformerCi(Section):
    """One bidirectional transformer over the inputs of every decomposed module (VPD).

    Defaults are the VPD paper's sizes; a smaller target wants a smaller one (width above
    the target's, depth ½–2× the target's, FFN about 4× width).
    """

    type: Literal["global_transformer"] = Field(description="CI function kind.")
    d_model: int = Field(default=2048, ge=2, description="Width of the transformer.")
    n_blocks: int = Field(default=8, ge=1, description="Number of pre-norm transformer blocks.")
    n_heads: int = Field(
        default=16,
        ge=1,
        description="Attention heads; must divide d_model into an even head width (for RoPE).",
    )
    d_ff: int = Field(default=8192, ge=1, description="Hidden width of each block's GELU FFN.")
    rope_base: float = Field(default=10000.0, gt=0, description="Base of the RoPE frequencies.")
    max_len: int = Field(
        default=512, ge=1, description="Longest sequence the rotary embeddings are built for."
    )

    @model_validator(mode="after")
    def _check_heads(self) -> "GlobalTransformerCi":
        if self.d_model % self.n_heads:
            raise KeyPathError(
                ("n_heads",), f"n_heads ({self.n_heads}) must divide d_model ({self.d_model})"
            )
        if (self.d_model // self.n_heads) % 2:
            raise KeyPathError(
                ("n_heads",),
                f"head width d_model/n_heads = {self.d_model // self.n_heads} must be even "
                "for rotary embeddings",
            )
        return self


CiFunction = Annotated[
    MlpCi | VectorMlpCi | SharedMlpCi | GlobalTransformerCi, Field(discriminator="type")
]
