"""Short training runs that exercise the pieces the way a training loop combines them."""

import functools

import torch

from paramlens.decomp.ci_functions import causal_importance
from paramlens.decomp.ci_transformer import GlobalTransformerCI
from paramlens.decomp.component_model import ComponentModel
from paramlens.decomp.losses import (
    faithfulness_loss,
    importance_minimality_loss,
    ppgd_recon_loss,
    stochastic_recon_subset_loss,
)
from paramlens.decomp.output_losses import kl_output_loss, masked_recon_loss
from paramlens.decomp.pgd import PersistentPGD, PersistentPGDConfig, fresh_pgd_eval
from paramlens.decomp.schedules import p_schedule

from .conftest import TinyLM


def test_faithfulness_training_drives_the_weight_residual_down(tiny_lm: TinyLM) -> None:
    model = ComponentModel(
        tiny_lm, {"mlp_in": 12, "mlp_out": 12}, generator=torch.Generator().manual_seed(0)
    )
    optimizer = torch.optim.AdamW(model.components.parameters(), lr=1e-2, weight_decay=0.0)
    initial = faithfulness_loss(model.weight_deltas()).item()
    for _ in range(300):
        optimizer.zero_grad()
        faithfulness_loss(model.weight_deltas()).backward()
        optimizer.step()
    assert faithfulness_loss(model.weight_deltas()).item() < initial / 100


def test_vpd_training_steps_compose(tiny_lm: TinyLM) -> None:
    torch.manual_seed(0)
    model = ComponentModel(tiny_lm, {"embed": 6, "mlp_in": 6, "mlp_out": 6, "unembed": 6})
    ci_fn = GlobalTransformerCI(model.decomposed, d_model=16, n_blocks=1, n_heads=2, d_ff=32)
    parameters = [*model.components.parameters(), *ci_fn.parameters()]
    optimizer = torch.optim.AdamW(parameters, lr=1e-3, weight_decay=0.0)
    B, T, n_steps = 4, 5, 4
    ppgd = PersistentPGD(model.module_C, (B, T), PersistentPGDConfig(), n_steps)
    for step in range(n_steps):
        ids = torch.randint(0, 11, (B, T))
        clean = model(ids, cache=["inputs"])
        ci = causal_importance(ci_fn(clean.inputs, model.components_by_path))
        recon = functools.partial(masked_recon_loss, model, ids, clean.output, kl_output_loss)
        ppgd.warmup(ci.lower, recon, step)
        loss_ppgd = ppgd_recon_loss(model, ids, ci.lower, clean.output, kl_output_loss, ppgd)
        total = (
            0.5 * loss_ppgd
            + 0.5 * stochastic_recon_subset_loss(model, ids, ci.lower, clean.output, kl_output_loss)
            + 2e-4 * importance_minimality_loss(ci.upper, p_schedule(step, n_steps, 2.0, 0.4), 0.5)
            + 1e3 * faithfulness_loss(model.weight_deltas())
        )
        source_grads = ppgd.source_grads(loss_ppgd)
        optimizer.zero_grad()
        total.backward()
        ppgd.step(source_grads, step)
        assert all(p.grad is not None and bool(torch.isfinite(p.grad).all()) for p in parameters)
        optimizer.step()
    assert ppgd.n_updates == 3 * n_steps
    assert all(p.grad is None for p in tiny_lm.parameters())
    ids = torch.randint(0, 11, (B, T))
    clean = model(ids, cache=["inputs"])
    ci = causal_importance(ci_fn(clean.inputs, model.components_by_path))
    assert torch.isfinite(fresh_pgd_eval(model, ids, ci.lower, clean.output, kl_output_loss))
