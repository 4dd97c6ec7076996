"""`target`: the trained model to decompose."""

import re
from typing import Literal, get_args

from pydantic import ConfigDict, Field, JsonValue, field_validator, model_validator

from paramlens.config.sections.base import Section

BuiltinTargetName = Literal[
    "tms_5-2",
    "tms_5-2-id",
    "tms_40-10",
    "tms_40-10-id",
    "resid_mlp_1",
    "resid_mlp_2",
    "resid_mlp_3",
    "tiny_llama",
]

# Toy targets read synthetic sparse features and output vectors, not token logits.
TOY_TARGETS: frozenset[str] = frozenset(get_args(BuiltinTargetName)) - {"tiny_llama"}

_CLASS_PATH = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$"
# Suffixes of pickle-based checkpoints, which could run code when loaded (DESIGN.md, security).
_PICKLE_SUFFIXES = (".pt", ".pth", ".bin", ".ckpt", ".pkl", ".pickle")


class HuggingFaceTarget(Section):
    """A causal language model saved with `save_pretrained`."""

    path: str = Field(
        min_length=1,
        description=(
            "Local directory holding a Hugging Face causal LM (config.json and *.safetensors), "
            "relative to this file. Nothing is downloaded: hub names are not resolved."
        ),
    )
    output_attr: str = Field(
        default="logits",
        min_length=1,
        description="Attribute of the model's forward output that holds the logits.",
    )


class CustomTarget(Section):
    """Any `torch.nn.Module` class importable in the server's environment."""

    class_path: str = Field(
        alias="class",
        description="The module class as `package.module:ClassName`.",
        json_schema_extra={"pattern": _CLASS_PATH},
    )
    weights: str = Field(
        min_length=1,
        description=(
            "The class's state dict as a .safetensors file, relative to this file. "
            "Pickle checkpoints (.pt, .bin, …) are never loaded."
        ),
    )
    kwargs: dict[str, JsonValue] = Field(
        default_factory=dict, description="Keyword arguments passed to the class's constructor."
    )
    output_attr: str | None = Field(
        default=None,
        description=(
            "Where the forward output holds the model's output: an attribute name, `idx_<n>` "
            "for item n of a tuple, or null for the output itself."
        ),
    )

    @field_validator("class_path")
    @classmethod
    def _check_class_path(cls, value: str) -> str:
        if not re.fullmatch(_CLASS_PATH, value):
            raise ValueError(f"expected `package.module:ClassName`, got {value!r}")
        return value

    @field_validator("weights")
    @classmethod
    def _refuse_pickles(cls, value: str) -> str:
        if value.lower().endswith(_PICKLE_SUFFIXES):
            raise ValueError(
                f"{value!r} is a pickle checkpoint, which is never loaded; "
                "save the state dict with safetensors.torch.save_file instead"
            )
        return value


class Target(Section):
    """Exactly one of `builtin`, `huggingface` or `custom`."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_extra={"minProperties": 1, "maxProperties": 1}
    )

    builtin: BuiltinTargetName | None = Field(
        default=None,
        description=(
            "A target that ships with ParamLens: the toy models of the SPD paper (TMS, "
            "residual MLP; trained locally on first use) or a tiny Llama-style LM."
        ),
    )
    huggingface: HuggingFaceTarget | None = Field(
        default=None, description="A Hugging Face causal LM from a local directory."
    )
    custom: CustomTarget | None = Field(
        default=None, description="Your own module class with weights from a safetensors file."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "Target":
        given = [
            name for name in ("builtin", "huggingface", "custom") if getattr(self, name) is not None
        ]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(f"give exactly one of builtin, huggingface, custom (found {found})")
        return self

    @property
    def is_toy(self) -> bool:
        return self.builtin in TOY_TARGETS

    @property
    def is_language_model(self) -> bool:
        """True when the target reads token IDs; a custom class may be either, so False."""
        return self.builtin == "tiny_llama" or self.huggingface is not None
