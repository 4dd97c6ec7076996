import math

import torch
from torch import Tensor

from paramlens.decomp.component_model import ComponentModel
from paramlens.decomp.losses import (
    faithfulness_loss,
    importance_minimality_loss,
    ppgd_recon_loss,
    stochastic_recon_layerwise_loss,
    stochastic_recon_loss,
    stochastic_recon_subset_loss,
)
from paramlens.decomp.output_losses import kl_output_loss, mse_output_loss
from paramlens.decomp.pgd import PersistentPGD, PersistentPGDConfig

from .conftest import TinyLM, TinyMLP

RECON_LOSSES = [
    stochastic_recon_loss,
    stochastic_recon_subset_loss,
    stochastic_recon_layerwise_loss,
]


def fit_exactly_by_svd(model: ComponentModel) -> None:
    """Set U, V so that (V @ U)ᵀ = W for every module (C = min(d_in, d_out))."""
    with torch.no_grad():
        for path, delta in model.weight_deltas().items():
            components = model.components_of(path)
            W = delta + components.weight  # the target weight, (d_out, d_in)
            left, singular, right_t = torch.linalg.svd(W, full_matrices=False)
            components.V.copy_(right_t.T * singular)  # (d_in, C)
            components.U.copy_(left.T)  # (C, d_out)


def test_faithfulness_is_zero_for_an_exact_decomposition(tiny_mlp: TinyMLP) -> None:
    model = ComponentModel(tiny_mlp, {"fc1": 6, "fc2": 5})
    assert faithfulness_loss(model.weight_deltas()) > 0
    fit_exactly_by_svd(model)
    assert faithfulness_loss(model.weight_deltas()) < 1e-12


def test_faithfulness_averages_over_all_decomposed_weights() -> None:
    deltas = {"a": torch.full((2, 3), 2.0), "b": torch.full((4, 1), 1.0)}
    torch.testing.assert_close(faithfulness_loss(deltas), torch.tensor((6 * 4 + 4 * 1) / 10))


def test_importance_minimality_matches_a_direct_loop() -> None:
    generator = torch.Generator().manual_seed(0)
    ci_upper = {"a": torch.rand(3, 4, 5, generator=generator), "b": torch.rand(3, 4, 2) * 1.2}
    p, beta, eps, world_size = 0.7, 0.5, 1e-12, 2
    expected = 0.0
    for g in ci_upper.values():
        B, T, C = g.shape
        for c in range(C):
            s = sum((g[b, t, c].item() + eps) ** p for b in range(B) for t in range(T))
            s_mean = s / (B * T)
            expected += s_mean + beta * s_mean * math.log2(1 + s * world_size)
    got = importance_minimality_loss(ci_upper, p, beta, eps, world_size)
    assert math.isclose(got.item(), expected, rel_tol=1e-5)


def test_importance_minimality_gradient_is_finite_at_zero_importance() -> None:
    g = torch.zeros(2, 3, 4, requires_grad=True)
    (grad,) = torch.autograd.grad(importance_minimality_loss({"a": g}, p=0.4, beta=0.5), [g])
    assert bool(torch.isfinite(grad).all())


def test_kl_output_loss_is_the_kl_of_the_target_from_the_prediction() -> None:
    generator = torch.Generator().manual_seed(0)
    pred, target = (
        torch.randn(2, 3, 7, generator=generator),
        torch.randn(2, 3, 7, generator=generator),
    )
    p, log_p, log_q = target.softmax(-1), target.log_softmax(-1), pred.log_softmax(-1)
    expected = (p * (log_p - log_q)).sum(-1).mean()
    torch.testing.assert_close(kl_output_loss(pred, target), expected)
    assert kl_output_loss(target, target).abs() < 1e-6


def test_mse_output_loss_is_the_mean_squared_error() -> None:
    pred, target = torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.zeros(2, 2)
    torch.testing.assert_close(mse_output_loss(pred, target), torch.tensor(30.0 / 4))


def test_recon_losses_vanish_for_an_exact_decomposition_with_full_importance(
    tiny_lm: TinyLM,
) -> None:
    model = ComponentModel(tiny_lm, {"embed": 8, "mlp_in": 8, "mlp_out": 8, "unembed": 8})
    fit_exactly_by_svd(model)
    ids = torch.randint(0, 11, (3, 5))
    target = model(ids).output
    ones = {path: torch.ones(3, 5, 8) for path in model.module_paths}
    for recon_loss in RECON_LOSSES:
        assert recon_loss(model, ids, ones, target, kl_output_loss) < 1e-6


def test_recon_losses_grow_when_nothing_is_important(tiny_lm: TinyLM) -> None:
    model = ComponentModel(tiny_lm, {"mlp_in": 4, "mlp_out": 4, "unembed": 4})
    ids = torch.randint(0, 11, (3, 5))
    target = model(ids).output
    zeros = {path: torch.zeros(3, 5, 4, requires_grad=True) for path in model.module_paths}
    for recon_loss in RECON_LOSSES:
        loss = recon_loss(model, ids, zeros, target, kl_output_loss)
        assert loss > 1e-4
        grads = torch.autograd.grad(loss, list(zeros.values()))
        assert all(g.abs().sum() > 0 for g in grads)


def test_layerwise_loss_is_the_mean_of_single_module_losses(tiny_mlp: TinyMLP) -> None:
    model = ComponentModel(tiny_mlp, {"fc1": 3, "fc2": 3})
    x = torch.randn(8, 6)
    target = model(x).output
    ci = {path: torch.full((8, 3), 0.5) for path in model.module_paths}
    layerwise = stochastic_recon_layerwise_loss(
        model, x, ci, target, mse_output_loss, generator=torch.Generator().manual_seed(0)
    )
    generator = torch.Generator().manual_seed(0)
    singles = [
        stochastic_recon_loss(model, x, {p: ci[p]}, target, mse_output_loss, generator=generator)
        for p in model.module_paths
    ]
    torch.testing.assert_close(layerwise, torch.stack(singles).mean())


def test_ppgd_recon_loss_reaches_ci_and_sources(tiny_mlp: TinyMLP) -> None:
    model = ComponentModel(tiny_mlp, {"fc1": 3, "fc2": 3})
    x = torch.randn(8, 6)
    target = model(x).output
    logits = {path: torch.zeros(8, 3, requires_grad=True) for path in model.module_paths}
    ci: dict[str, Tensor] = {path: z.clamp(0, 1) + 0.3 for path, z in logits.items()}
    ppgd = PersistentPGD(model.module_C, (8,), PersistentPGDConfig(), total_steps=10)
    loss = ppgd_recon_loss(model, x, ci, target, mse_output_loss, ppgd)
    source_grads = ppgd.source_grads(loss)
    assert all(g.abs().sum() > 0 for g in source_grads.values())
    loss.backward()
    assert all(z.grad is not None and z.grad.abs().sum() > 0 for z in logits.values())
    assert model.components_of("fc1").V.grad is not None
