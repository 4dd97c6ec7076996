"""Which subcomponents each input feature of a toy target needs, feature by feature.

Each feature alone, at value PROBE_VALUE, goes through the CI function. A feature is
*dedicated* in a module when it makes at least one subcomponent important there and every
subcomponent it makes important is important for no other feature: its mechanism is
captured by subcomponents of its own. A clean decomposition has exactly one important
subcomponent per feature in each module (`important_per_feature`).

Unlike counts of alive subcomponents (mean CI over the eval set above 1e-6), this does not
depend on rare inputs: a dead subcomponent (weights near zero) whose CI function misfires on
one eval input in ten thousand can sit right at that cutoff, while a probed feature's CI is
either about 1 or 0.
"""

import torch
from torch import Tensor

from paramlens.core.decomposition import Decomposition
from paramlens.decomp.ci_functions import causal_importance

PROBE_VALUE = 0.75  # inside the value range of every toy task, and on the ReLU's live side


def probe_features(d: Decomposition, n_features: int) -> dict[str, Tensor]:
    """Per module, the CI of each subcomponent with only feature i active: [n_features, C]."""
    inputs = PROBE_VALUE * torch.eye(n_features, device=d.device)  # [F, F]
    with torch.no_grad(), d.autocast():
        clean = d.model(inputs, cache=["inputs"])
        ci = causal_importance(d.ci_fn(clean.inputs, d.model.components_by_path))
    return {path: g.float() for path, g in ci.lower.items()}


def dedicated_features(ci_per_feature: Tensor, threshold: float) -> int:
    """How many features are dedicated (see the module docstring). ci: [n_features, C]."""
    important = ci_per_feature > threshold  # [F, C]
    shared = important & (important.sum(dim=0) > 1)  # important for two features or more
    dedicated = important.any(dim=1) & ~shared.any(dim=1)  # [F]
    return int(dedicated.sum())


def important_per_feature(ci_per_feature: Tensor, threshold: float) -> list[int]:
    """For each feature, how many subcomponents it makes important alone. ci: [n_features, C]."""
    return (ci_per_feature > threshold).sum(dim=1).tolist()
