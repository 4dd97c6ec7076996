import pytest
import torch
import torch.nn.functional as F
from torch import Tensor

from paramlens.analysis.graphs.same_position_attention import SamePositionAttention


def qkv(heads: int = 2, positions: int = 5, dim: int = 4) -> list[Tensor]:
    generator = torch.Generator().manual_seed(0)
    shape = (1, heads, positions, dim)
    return [
        torch.randn(shape, generator=generator, dtype=torch.float64).requires_grad_()
        for _ in range(3)
    ]


def test_the_output_is_unchanged_and_gradients_stay_within_a_position() -> None:
    query, key, value = qkv()
    expected = F.scaled_dot_product_attention(query, key, value, is_causal=True)
    with SamePositionAttention():
        output = F.scaled_dot_product_attention(query, key, value, is_causal=True)
    torch.testing.assert_close(output, expected, rtol=0, atol=0)

    t = 3
    full = torch.autograd.grad(expected[..., t, :].sum(), [query, key, value])
    within = torch.autograd.grad(output[..., t, :].sum(), [query, key, value])
    for grad_full, grad_within in zip(full, within, strict=True):
        torch.testing.assert_close(grad_within[..., t, :], grad_full[..., t, :])
        others = torch.ones(5, dtype=torch.bool)
        others[t] = False
        assert not grad_within[..., others, :].any()
    assert full[1][..., :t, :].abs().sum() > 0  # the ordinary gradient does reach other positions


def test_causal_masks_are_accepted_in_any_form() -> None:
    query, key, value = qkv(positions=4)
    expected = F.scaled_dot_product_attention(query, key, value, is_causal=True)
    allowed = torch.ones(4, 4, dtype=torch.bool).tril()
    lowest = torch.finfo(torch.float64).min
    masks = [allowed, torch.zeros(4, 4, dtype=torch.float64).masked_fill(~allowed, lowest)]
    for mask in masks:
        with SamePositionAttention():
            output = F.scaled_dot_product_attention(query, key, value, attn_mask=mask)
        torch.testing.assert_close(output, expected)


def test_grouped_query_attention_repeats_keys_and_values() -> None:
    query = torch.randn(1, 4, 3, 2, dtype=torch.float64)
    key, value = torch.randn(2, 1, 2, 3, 2, dtype=torch.float64)
    expected = F.scaled_dot_product_attention(query, key, value, is_causal=True, enable_gqa=True)
    key.requires_grad_()
    with SamePositionAttention():
        output = F.scaled_dot_product_attention(query, key, value, is_causal=True, enable_gqa=True)
    torch.testing.assert_close(output, expected)
    (grad,) = torch.autograd.grad(output[..., 2, :].sum(), [key])
    assert grad[..., 2, :].abs().sum() > 0 and not grad[..., :2, :].any()


def test_attention_that_sees_later_positions_is_refused() -> None:
    query, key, value = qkv(positions=3)
    with SamePositionAttention(), pytest.raises(ValueError, match="need causal attention"):
        F.scaled_dot_product_attention(query, key, value)
    with SamePositionAttention(), pytest.raises(ValueError, match="lets queries see later keys"):
        F.scaled_dot_product_attention(query, key, value, attn_mask=torch.ones(3, 3).bool())
    with SamePositionAttention(), pytest.raises(ValueError, match="without dropout"):
        F.scaled_dot_product_attention(query, key, value, dropout_p=0.1, is_causal=True)
