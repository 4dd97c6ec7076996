"""Leaky hard sigmoids that turn CI logits into causal importances in [0, 1].

lower_leaky builds the masks of every reconstruction loss; upper_leaky feeds the minimality
loss. Both clamp to [0, 1] in the region that matters and leak a slope α = 0.01 elsewhere.
"""

from collections.abc import Callable
from typing import Any, cast

import torch
from torch import Tensor

LEAKY_ALPHA = 0.01


class LowerLeakyClamp(torch.autograd.Function):
    """Forward clamp(z, 0, 1); straight-through leak below 0 only towards larger values.

    Backward with incoming grad = dL/dout: z ≤ 0 passes α·grad where grad < 0 (descent
    moves z by −lr·grad, so grad < 0 wants the value up and can revive a dead subcomponent)
    and 0 where grad ≥ 0 (the output already sits at 0); 0 < z ≤ 1 passes grad; z > 1 passes 0.
    """

    @staticmethod
    def forward(ctx: Any, z: Tensor, alpha: float) -> Tensor:
        ctx.save_for_backward(z)
        ctx.alpha = alpha
        return z.clamp(0.0, 1.0)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Tensor, None]:
        (z,) = ctx.saved_tensors
        zero = torch.zeros_like(grad)
        below = torch.where(grad < 0, ctx.alpha * grad, zero)
        return torch.where(z <= 0, below, torch.where(z <= 1, grad, zero)), None


class UpperLeakyClamp(torch.autograd.Function):
    """Forward where(z > 1, 1 + α(z − 1), clamp(z, 0, 1)); its natural gradient.

    Backward: z ≤ 0 passes 0, 0 < z ≤ 1 passes grad, z > 1 passes α·grad. Zero below 0 keeps
    the minimality loss, whose (g + ε)^p has a huge slope at g = 0 for p < 1, from pushing
    logits that are already at importance 0 ever further down.
    """

    @staticmethod
    def forward(ctx: Any, z: Tensor, alpha: float) -> Tensor:
        ctx.save_for_backward(z)
        ctx.alpha = alpha
        return torch.where(z > 1, 1 + alpha * (z - 1), z.clamp(0.0, 1.0))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Tensor, None]:
        (z,) = ctx.saved_tensors
        slope = torch.where(z > 1, ctx.alpha, (z > 0).to(grad.dtype))
        return grad * slope, None


# Function.apply is untyped in torch; these give it its signature.
_lower_leaky_clamp = cast(Callable[[Tensor, float], Tensor], LowerLeakyClamp.apply)
_upper_leaky_clamp = cast(Callable[[Tensor, float], Tensor], UpperLeakyClamp.apply)


def lower_leaky(z: Tensor, alpha: float = LEAKY_ALPHA) -> Tensor:
    """CI for masks: z (...) -> clamp(z, 0, 1) (...) with the LowerLeakyClamp backward."""
    return _lower_leaky_clamp(z, alpha)


def upper_leaky(z: Tensor, alpha: float = LEAKY_ALPHA) -> Tensor:
    """CI for minimality: z (...) -> (...) in [0, ∞), leaking slope α above 1."""
    return _upper_leaky_clamp(z, alpha)
