"""What an analysis runs on: the one place where a language model and a toy model differ.

A language model reads a prompt, token ids (1, T), one position per token; its output at a
position is a distribution over the vocabulary. A toy model (TMS, residual MLP) reads one
feature vector (1, F): a single position, whose inputs are its active features; its output is
a vector of values. Graphs, circuits and interventions take an `AnalysisInput` and ask its
`Inputs` how to label what they find, instead of branching on the kind of model.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import torch
from tokenizers import Tokenizer
from torch import Tensor

from paramlens.core.loaded_run import LoadedRun
from paramlens.data.sparse_features import SparseFeatureTask

InputKind = Literal["tokens", "features"]


@dataclass(frozen=True)
class AnalysisInput:
    """One input, as the target takes it in a batch of one.

    batch: (1, T) token ids, or (1, F) feature values. text: the prompt, or the active
    features as `1=1, 3=0.5`. labels: one per position, the decoded tokens, or for a feature
    vector its one position's text. active: (feature index, value) of a feature vector's
    nonzero features, in index order; empty for a prompt.
    """

    kind: InputKind
    text: str
    batch: Tensor
    labels: tuple[str, ...]
    active: tuple[tuple[int, float], ...] = ()

    @property
    def n_positions(self) -> int:
        return len(self.labels)

    @property
    def features(self) -> dict[int, float]:
        return dict(self.active)


class TokenInputs:
    """A language model's inputs: prompts, tokenised as the training data was."""

    kind: InputKind = "tokens"

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer

    def prompt(self, text: str) -> AnalysisInput:
        ids: list[int] = self.tokenizer.encode(text, add_special_tokens=False).ids
        if not ids:
            raise ValueError(f"the prompt {text!r} has no tokens")
        labels = tuple(self.token_text(token) for token in ids)
        return AnalysisInput("tokens", text, torch.tensor([ids]), labels)

    def token_text(self, token_id: int) -> str:
        """One token id decoded on its own, special tokens included."""
        text: str = self.tokenizer.decode([token_id], skip_special_tokens=False)
        return text

    def input_label(self, token_id: int) -> str:
        return self.token_text(token_id)

    def output_label(self, token_id: int) -> str:
        return self.token_text(token_id)


class FeatureInputs:
    """A toy model's inputs: one vector of n_features values, most of them zero."""

    kind: InputKind = "features"

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features

    def vector(self, features: Mapping[int, float]) -> AnalysisInput:
        """The input with `features` (index -> value) active and every other feature 0;
        ValueError for no feature, one out of range, or a value that is zero or not finite."""
        if not features:
            raise ValueError("the input has no active feature; give at least one a nonzero value")
        values = [0.0] * self.n_features
        for feature, value in sorted(features.items()):
            if not 0 <= feature < self.n_features:
                raise ValueError(
                    f"feature {feature} is out of range: the model has {self.n_features} "
                    f"features (0–{self.n_features - 1})"
                )
            if value == 0 or not math.isfinite(value):
                raise ValueError(
                    f"feature {feature} has value {value}; give a finite nonzero value"
                )
            values[feature] = float(value)
        active = tuple(sorted((int(f), float(v)) for f, v in features.items()))
        text = describe_features(dict(active))
        return AnalysisInput("features", text, torch.tensor([values]), (text,), active)

    def input_label(self, feature: int) -> str:
        return f"feature {feature}"

    def output_label(self, output: int) -> str:
        return f"output {output}"


Inputs = TokenInputs | FeatureInputs


def describe_features(features: Mapping[int, float]) -> str:
    """`1=1, 3=0.5`: a feature vector as text."""
    return ", ".join(f"{feature}={features[feature]:g}" for feature in sorted(features))


def run_inputs(run: LoadedRun) -> Inputs:
    """What the run's target reads: prompts through its tokenizer, or feature vectors."""
    if run.tokenizer is not None:
        return TokenInputs(run.tokenizer)
    data = run.decomposition.target.data
    if not isinstance(data, SparseFeatureTask):
        raise ValueError(
            f"{run.paths.root}: the target reads neither text (no tokenizer) nor feature vectors"
        )
    return FeatureInputs(data.n_features)


def parse_input(
    inputs: Inputs, prompt: str | None = None, features: Mapping[int, float] | None = None
) -> AnalysisInput:
    """The input a request names: a prompt for a language model, features for a toy."""
    if isinstance(inputs, TokenInputs):
        if prompt is None or features:
            raise ValueError("the run decomposes a language model: give a prompt")
        return inputs.prompt(prompt)
    if prompt is not None or not features:
        raise ValueError(
            "the run decomposes a toy model, which reads feature vectors, not text: give the "
            "input's active features (index=value)"
        )
    return inputs.vector(features)
