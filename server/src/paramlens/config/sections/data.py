"""`data`: what the target is run on while it is decomposed."""

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from paramlens.config.sections.base import Section

_FILES_NOTE = "Paths or glob patterns, relative to this file."


class SyntheticData(Section):
    """Sparse features for the toy targets, sampled fresh for every batch."""

    feature_probability: float = Field(
        gt=0,
        le=1,
        description="Probability that each feature is active in a sample (TMS 0.05, ResidMLP 0.01)",
    )
    generation: Literal["at_least_zero_active"] = Field(
        default="at_least_zero_active",
        description=(
            "How samples are drawn: each feature independently active, so any number "
            "(including none) may be active at once."
        ),
    )


class TextData(Section):
    """Raw text, tokenised on the fly."""

    train: tuple[str, ...] = Field(
        min_length=1, description=f"Training text: .txt or .jsonl files. {_FILES_NOTE}"
    )
    eval: tuple[str, ...] | None = Field(
        default=None,
        description=(
            f"Held-out text for evaluation. {_FILES_NOTE} "
            "Null: the last `eval_fraction` of the training sequences."
        ),
    )
    eval_fraction: float = Field(
        default=0.05,
        gt=0,
        lt=1,
        description="Share of the training sequences held out for evaluation when `eval` is null.",
    )
    column: str = Field(
        default="text",
        min_length=1,
        description="Field that holds the text in each line of a .jsonl file.",
    )
    tokenizer: str = Field(
        min_length=1,
        description="A Hugging Face `tokenizer.json` file, relative to this file.",
    )
    seq_len: int = Field(ge=2, description="Tokens per training sequence.")


class TokenData(Section):
    """Token IDs that were tokenised beforehand."""

    train: tuple[str, ...] = Field(
        min_length=1,
        description=f"Training tokens: .npy arrays of integer token IDs. {_FILES_NOTE}",
    )
    eval: tuple[str, ...] | None = Field(
        default=None,
        description=(
            f"Held-out tokens for evaluation. {_FILES_NOTE} "
            "Null: the last `eval_fraction` of the training sequences."
        ),
    )
    eval_fraction: float = Field(
        default=0.05,
        gt=0,
        lt=1,
        description="Share of the training sequences held out for evaluation when `eval` is null.",
    )
    seq_len: int = Field(ge=2, description="Tokens per training sequence.")
    tokenizer: str | None = Field(
        default=None,
        description=(
            "A `tokenizer.json` matching the token IDs, relative to this file; needed to show "
            "text in examples and to graph prompts."
        ),
    )


DataKind = Literal["synthetic", "text", "tokens"]


class Data(Section):
    """Exactly one of `synthetic`, `text` or `tokens`."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_extra={"minProperties": 1, "maxProperties": 1}
    )

    synthetic: SyntheticData | None = Field(
        default=None, description="Synthetic sparse features (the toy targets)."
    )
    text: TextData | None = Field(
        default=None, description="Local text files and a tokenizer (language models)."
    )
    tokens: TokenData | None = Field(
        default=None, description="Local pre-tokenised .npy files (language models)."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "Data":
        given = [
            kind for kind in ("synthetic", "text", "tokens") if getattr(self, kind) is not None
        ]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(f"give exactly one of synthetic, text, tokens (found {found})")
        return self

    @property
    def kind(self) -> DataKind:
        if self.synthetic is not None:
            return "synthetic"
        return "text" if self.text is not None else "tokens"

    @property
    def seq_len(self) -> int | None:
        """Tokens per sequence, or None for synthetic data, which has no sequence axis."""
        sequences = self.text or self.tokens
        return None if sequences is None else sequences.seq_len
