"""A toy model's input as interventions and circuits take it: feature index -> value, every
other feature 0 (the `--features` / `--input` flags of the CLI)."""

import math
from collections.abc import Mapping


def feature_vector(features: Mapping[int, float], n_features: int) -> list[float]:
    """The input vector (n_features,); ValueError for no feature, a feature out of range or a
    value that is not a finite nonzero number."""
    if not features:
        raise ValueError("the input has no active feature; give at least one a nonzero value")
    vector = [0.0] * n_features
    for feature, value in features.items():
        if not 0 <= feature < n_features:
            raise ValueError(
                f"feature {feature} is out of range: the model has {n_features} features "
                f"(0–{n_features - 1})"
            )
        if value == 0 or not math.isfinite(value):
            raise ValueError(f"feature {feature} has value {value}; give a finite nonzero value")
        vector[feature] = value
    return vector


def describe_features(features: Mapping[int, float]) -> str:
    """`1=1, 3=0.5`: the input as a graph file's prompt shows it."""
    return ", ".join(f"{feature}={features[feature]:g}" for feature in sorted(features))
