import torch

from paramlens.decomp.sigmoids import LEAKY_ALPHA, lower_leaky, upper_leaky

Z = torch.tensor([-2.0, -0.5, 0.0, 0.3, 1.0, 1.5, 3.0])


def backward(fn_output_grad: torch.Tensor, upper: bool) -> torch.Tensor:
    z = Z.clone().requires_grad_()
    out = upper_leaky(z) if upper else lower_leaky(z)
    (grad,) = torch.autograd.grad(out, [z], fn_output_grad)
    return grad


def test_forward_values() -> None:
    torch.testing.assert_close(lower_leaky(Z), torch.tensor([0.0, 0, 0, 0.3, 1, 1, 1]))
    a = LEAKY_ALPHA
    torch.testing.assert_close(
        upper_leaky(Z), torch.tensor([0.0, 0, 0, 0.3, 1, 1 + 0.5 * a, 1 + 2 * a])
    )


def test_lower_leaks_below_zero_only_when_descent_would_raise_the_value() -> None:
    a = LEAKY_ALPHA
    # grad < 0: gradient descent moves z up
    wants_up = backward(torch.full_like(Z, -2.0), upper=False)
    torch.testing.assert_close(wants_up, torch.tensor([-2 * a, -2 * a, -2 * a, -2, -2, 0, 0]))
    # grad > 0: descent would push z further down where the output is already 0
    wants_down = backward(torch.full_like(Z, 3.0), upper=False)
    torch.testing.assert_close(wants_down, torch.tensor([0.0, 0, 0, 3, 3, 0, 0]))


def test_upper_has_its_natural_slopes() -> None:
    a = LEAKY_ALPHA
    for grad in (-2.0, 3.0):
        got = backward(torch.full_like(Z, grad), upper=True)
        torch.testing.assert_close(got, grad * torch.tensor([0.0, 0, 0, 1, 1, a, a]))


def test_gradcheck_where_the_functions_are_differentiable() -> None:
    inside = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64, requires_grad=True)
    above = torch.tensor([1.2, 2.0, 5.0], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lower_leaky, (inside,))
    assert torch.autograd.gradcheck(lower_leaky, (above,))
    assert torch.autograd.gradcheck(upper_leaky, (inside,))
    assert torch.autograd.gradcheck(upper_leaky, (above,))
    below = torch.tensor([-3.0, -0.2], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(upper_leaky, (below,))


def test_alpha_is_configurable() -> None:
    torch.testing.assert_close(upper_leaky(torch.tensor([2.0]), alpha=0.5), torch.tensor([1.5]))
    z = torch.tensor([-1.0], requires_grad=True)
    (grad,) = torch.autograd.grad(lower_leaky(z, alpha=0.5), [z], torch.tensor([-1.0]))
    torch.testing.assert_close(grad, torch.tensor([-0.5]))
