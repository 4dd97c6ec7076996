import math

import torch

from paramlens.decomp.components import Components, EmbeddingComponents


def test_init_scales_follow_the_fan_in_of_each_factor() -> None:
    components = Components(d_in=400, d_out=300, C=200, generator=torch.Generator().manual_seed(0))
    assert components.V.shape == (400, 200) and components.U.shape == (200, 300)
    assert math.isclose(components.V.std().item(), 1 / math.sqrt(400), rel_tol=0.02)
    assert math.isclose(components.U.std().item(), 1 / math.sqrt(200), rel_tol=0.02)
    assert components.C == 200


def test_the_same_generator_seed_gives_the_same_components() -> None:
    first = Components(5, 4, 3, generator=torch.Generator().manual_seed(7))
    second = Components(5, 4, 3, generator=torch.Generator().manual_seed(7))
    assert torch.equal(first.V, second.V) and torch.equal(first.U, second.U)


def test_weight_is_the_transposed_product_in_linear_convention() -> None:
    components = Components(5, 4, 3)
    assert components.weight.shape == (4, 5)
    torch.testing.assert_close(components.weight, (components.V @ components.U).T)
    x = torch.randn(2, 5)
    torch.testing.assert_close(components.component_acts(x) @ components.U, x @ components.weight.T)


def test_masked_output_matches_the_formula_with_an_explicit_delta() -> None:
    torch.manual_seed(0)
    d_in, d_out, C = 6, 5, 4
    components = Components(d_in, d_out, C)
    W, b = torch.randn(d_out, d_in), torch.randn(d_out)
    x = torch.randn(3, 7, d_in, requires_grad=True)
    mask, delta_mask = torch.rand(3, 7, C), torch.rand(3, 7)

    out = components.masked_output(components.component_acts(x), x @ W.T + b, b, mask, delta_mask)
    delta = W - (components.V @ components.U).T
    expected = (
        ((x @ components.V) * mask) @ components.U + delta_mask[..., None] * (x @ delta.T) + b
    )
    torch.testing.assert_close(out, expected)

    grad_out = torch.randn_like(out)
    grads = torch.autograd.grad(out, [components.V, components.U, x], grad_out)
    expected_grads = torch.autograd.grad(expected, [components.V, components.U, x], grad_out)
    for got, want in zip(grads, expected_grads, strict=True):
        torch.testing.assert_close(got, want)


def test_without_delta_only_the_masked_components_and_bias_remain() -> None:
    torch.manual_seed(0)
    components = Components(6, 5, 4)
    x, mask, b = torch.randn(2, 6), torch.rand(2, 4), torch.randn(5)
    unused_target = torch.full((2, 5), float("nan"))
    out = components.masked_output(components.component_acts(x), unused_target, b, mask)
    torch.testing.assert_close(out, ((x @ components.V) * mask) @ components.U + b)


def test_embedding_component_acts_are_rows_of_V() -> None:
    components = EmbeddingComponents(d_in=10, d_out=4, C=3)
    ids = torch.tensor([[1, 9], [0, 1]])
    torch.testing.assert_close(components.component_acts(ids), components.V[ids])
    one_hot = torch.nn.functional.one_hot(ids, 10).float()
    torch.testing.assert_close(components.component_acts(ids), one_hot @ components.V)
