"""Attention whose gradient stays within each position, for computing same-position effects.

In a causal model every path from position t to position t stays at position t: paths only run
from earlier to later positions. So the derivative of anything at t with respect to anything
else at t is unchanged if attention's inputs from other positions are held constant. Inside
`SamePositionAttention()`, `F.scaled_dot_product_attention` returns its usual output, but its
gradient reaches the query, key and value of a position only from that position's output: the
keys and values of other positions act as constants. A backward pass from targets at several
different positions then gives each target's same-position derivatives without mixing them,
provided the model mixes positions nowhere but in this attention (check it, e.g. by probing).
"""

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.overrides import TorchFunctionMode

_SIGNATURE = ("query", "key", "value", "attn_mask", "dropout_p", "is_causal", "scale", "enable_gqa")


class SamePositionAttention(TorchFunctionMode):
    """Context manager: causal scaled-dot-product attention with same-position gradients."""

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Sequence[type],
        args: Sequence[Any] = (),
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        kwargs = dict(kwargs or {})
        output = func(*args, **kwargs)  # the mode is off while it handles a call
        if func is not F.scaled_dot_product_attention:
            return output
        call = dict(zip(_SIGNATURE, args, strict=False)) | kwargs
        within = _attention_within_positions(**call)
        return output.detach() + (within - within.detach())  # the output's value, within's gradient


def _attention_within_positions(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """Softmax attention (..., L, E) for query/key/value (..., H, L, E) whose gradient reaches
    position s's key and value only from output s."""
    if dropout_p != 0.0:
        raise ValueError(
            "attribution graphs need attention without dropout (put the model in eval)"
        )
    L, S = query.shape[-2], key.shape[-2]
    if L != S:
        raise ValueError(f"attribution graphs need self-attention; got {L} queries and {S} keys")
    if enable_gqa and key.shape[-3] != query.shape[-3]:
        repeats = query.shape[-3] // key.shape[-3]
        key, value = key.repeat_interleave(repeats, -3), value.repeat_interleave(repeats, -3)
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    allowed = _allowed_keys(attn_mask, is_causal, L, query.device)
    constant_key, constant_value = key.detach(), value.detach()
    # scores[t, s] = q_t · k_s with k_s constant unless s = t; the added diagonal is zero in value
    scores = query @ constant_key.transpose(-2, -1)  # (..., L, L)
    scores = scores + torch.diag_embed((query * (key - constant_key)).sum(-1))
    scores = scores * scale
    if allowed.dtype == torch.bool:
        scores = scores.masked_fill(~allowed, float("-inf"))
    else:
        scores = scores + allowed
    weights = torch.softmax(scores, dim=-1)  # (..., L, L)
    own = torch.diagonal(weights, dim1=-2, dim2=-1).unsqueeze(-1)  # (..., L, 1)
    return weights @ constant_value + own * (value - constant_value)


def _allowed_keys(
    attn_mask: Tensor | None, is_causal: bool, L: int, device: torch.device
) -> Tensor:
    """The mask to apply (bool: which keys a query may see, or float: added to the scores),
    after checking that no query sees a later key."""
    causal = torch.ones(L, L, dtype=torch.bool, device=device).tril()
    if attn_mask is None:
        if not is_causal:
            raise ValueError(
                "attribution graphs need causal attention; got attention without a mask"
            )
        return causal
    if is_causal:
        raise ValueError("scaled_dot_product_attention takes attn_mask or is_causal, not both")
    # float masks block with -inf or, as Hugging Face models do, with the dtype's lowest value
    sees = (
        attn_mask
        if attn_mask.dtype == torch.bool
        else attn_mask > torch.finfo(attn_mask.dtype).min / 2
    )
    if (sees & ~causal).any():
        raise ValueError(
            "attribution graphs need causal attention; the mask lets queries see later keys"
        )
    return attn_mask
