"""The six masks evaluations compare the target with (spec §9, CEandKLLosses).

unmasked m = 1; ci_masked m = g; stoch_masked m = g + (1 − g)·r with r ~ U(0, 1) and the
Δ component in with mask U(0, 1); rounded_masked m = 1[g > threshold]; random_masked
m ~ U(0, 1); zero_masked m = 0. Only stoch_masked includes Δ.
"""

from collections.abc import Iterator, Mapping

import torch
from torch import Tensor

from paramlens.decomp.masks import stochastic_masks

MASK_KINDS = (
    "unmasked",
    "ci_masked",
    "stoch_masked",
    "rounded_masked",
    "random_masked",
    "zero_masked",
)

Masks = tuple[dict[str, Tensor], dict[str, Tensor] | None]
"""Component masks path -> (..., C) and Δ masks path -> (...) or None (Δ left out)."""


def eval_masks(
    ci: Mapping[str, Tensor], rounding_threshold: float, generator: torch.Generator
) -> Iterator[tuple[str, Masks]]:
    """(kind, masks) for each kind in MASK_KINDS order, one at a time to bound memory.

    ci: path -> (..., C) lower-leaky causal importances; generator on their device.
    """
    yield "unmasked", ({path: torch.ones_like(g) for path, g in ci.items()}, None)
    yield "ci_masked", (dict(ci), None)
    yield "stoch_masked", stochastic_masks(ci, generator)
    rounded = {path: (g > rounding_threshold).to(g.dtype) for path, g in ci.items()}
    yield "rounded_masked", (rounded, None)
    random = {
        path: torch.rand(g.shape, generator=generator, device=g.device, dtype=g.dtype)
        for path, g in ci.items()
    }
    yield "random_masked", (random, None)
    yield "zero_masked", ({path: torch.zeros_like(g) for path, g in ci.items()}, None)
