from pathlib import Path

import pytest
import torch
import torch.distributed as dist
from safetensors.torch import load_file, save_file
from torch import Tensor

from paramlens.decomp.component_model import ComponentModel
from paramlens.decomp.losses import ppgd_recon_loss
from paramlens.decomp.output_losses import masked_recon_loss, mse_output_loss
from paramlens.decomp.pgd import PersistentPGD, PersistentPGDConfig, fresh_pgd_eval

from .conftest import TinyMLP

B, T = 4, 3


def setup(tiny_mlp: TinyMLP) -> tuple[ComponentModel, Tensor, Tensor, dict[str, Tensor]]:
    model = ComponentModel(
        tiny_mlp, {"fc1": 5, "fc2": 4}, generator=torch.Generator().manual_seed(0)
    )
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(B, T, 6, generator=generator)
    ci = {path: torch.rand(B, T, C, generator=generator) for path, C in model.module_C.items()}
    return model, x, model(x).output, ci


def make_ppgd(model: ComponentModel, seed: int = 0, **config: object) -> PersistentPGD:
    return PersistentPGD(
        model.module_C,
        (B, T),
        PersistentPGDConfig(**config),  # type: ignore[arg-type]
        total_steps=100,
        generator=torch.Generator().manual_seed(seed),
    )


@pytest.mark.parametrize("optimizer", ["adam", "sign"])
def test_persistent_pgd_raises_the_reconstruction_loss(tiny_mlp: TinyMLP, optimizer: str) -> None:
    model, x, target, ci = setup(tiny_mlp)
    ppgd = make_ppgd(model, optimizer=optimizer, lr=0.05, lr_warmup_frac=0.0)
    before = ppgd_recon_loss(model, x, ci, target, mse_output_loss, ppgd)
    for step in range(10):
        loss = ppgd_recon_loss(model, x, ci, target, mse_output_loss, ppgd)
        ppgd.step(ppgd.source_grads(loss), step)
    after = ppgd_recon_loss(model, x, ci, target, mse_output_loss, ppgd)
    assert after > 1.5 * before
    assert all(bool(((s >= 0) & (s <= 1)).all()) for s in ppgd.sources.values())


def test_fresh_pgd_raises_the_reconstruction_loss(tiny_mlp: TinyMLP) -> None:
    model, x, target, ci = setup(tiny_mlp)

    def evaluate(n_steps: int) -> Tensor:
        generator = torch.Generator().manual_seed(5)
        return fresh_pgd_eval(model, x, ci, target, mse_output_loss, n_steps, 0.1, generator)

    at_init, attacked = evaluate(0), evaluate(20)
    assert attacked > 1.5 * at_init
    assert not attacked.requires_grad and attacked.shape == ()
    assert all(p.grad is None for p in model.parameters())


def test_scopes_give_their_source_shapes_and_tile_to_the_batch(tiny_mlp: TinyMLP) -> None:
    model, _, _, ci = setup(tiny_mlp)
    expected = {
        "per_batch_per_position": (B, T, 6),
        "single": (1, 1, 6),
        "broadcast_across_batch": (1, T, 6),
        "repeat_across_batch": (2, T, 6),
    }
    same_rows = {path: g[:1].expand(B, T, -1) for path, g in ci.items()}
    for scope, shape in expected.items():
        ppgd = make_ppgd(model, scope=scope, n_sources=2)
        assert ppgd.sources["fc1"].shape == shape
        masks, delta_masks = ppgd.masks(same_rows)
        assert masks["fc1"].shape == (B, T, 5)
        assert delta_masks is not None
        if scope == "repeat_across_batch":
            torch.testing.assert_close(masks["fc1"][2:], masks["fc1"][:2])
            assert not torch.allclose(masks["fc1"][1], masks["fc1"][0])


def test_repeat_needs_n_sources_dividing_the_batch(tiny_mlp: TinyMLP) -> None:
    model, _, _, _ = setup(tiny_mlp)
    with pytest.raises(ValueError, match="n_sources 3 must divide the batch size 4"):
        make_ppgd(model, scope="repeat_across_batch", n_sources=3)


def test_ci_must_have_the_shape_the_sources_were_made_for(tiny_mlp: TinyMLP) -> None:
    model, _, _, ci = setup(tiny_mlp)
    with pytest.raises(ValueError, match=r"leading shape \(2, 3\)"):
        make_ppgd(model).masks({path: g[:2] for path, g in ci.items()})


def test_adam_and_sign_updates_follow_their_formulas(tiny_mlp: TinyMLP) -> None:
    model, _, _, _ = setup(tiny_mlp)
    grads = {path: torch.randn(B, T, C + 1) for path, C in model.module_C.items()}
    for optimizer in ("adam", "sign"):
        ppgd = make_ppgd(model, optimizer=optimizer, lr=0.2, lr_warmup_frac=0.0)
        before = {path: s.detach().clone() for path, s in ppgd.sources.items()}
        ppgd.step(grads, training_step=0)
        for path, g in grads.items():
            # Adam's first bias-corrected step is g / (|g| + eps)
            direction = g.sign() if optimizer == "sign" else g / (g.abs() + 1e-8)
            torch.testing.assert_close(
                ppgd.sources[path], (before[path] + 0.2 * direction).clamp(0, 1)
            )


def test_lr_warms_up_over_training_steps(tiny_mlp: TinyMLP) -> None:
    model, _, _, _ = setup(tiny_mlp)
    ppgd = make_ppgd(model, lr=0.01, lr_warmup_frac=0.1)
    assert ppgd.lr(0) == 0.0 and ppgd.lr(5) == 0.005 and ppgd.lr(50) == 0.01


def test_source_grads_leave_parameter_grads_alone(tiny_mlp: TinyMLP) -> None:
    model, x, target, ci = setup(tiny_mlp)
    ppgd = make_ppgd(model)
    loss = ppgd_recon_loss(model, x, ci, target, mse_output_loss, ppgd)
    grads = ppgd.source_grads(loss)
    assert set(grads) == {"fc1", "fc2"} and grads["fc1"].shape == (B, T, 6)
    assert all(p.grad is None for p in model.parameters())
    loss.backward()  # the graph was kept for the main backward
    assert model.components_of("fc1").U.grad is not None


def test_warmup_ascends_with_ci_detached(tiny_mlp: TinyMLP) -> None:
    model, x, target, ci = setup(tiny_mlp)
    logits = {path: g.clone().requires_grad_() for path, g in ci.items()}
    ppgd = make_ppgd(model, lr_warmup_frac=0.0)
    before = {path: s.detach().clone() for path, s in ppgd.sources.items()}

    def loss_fn(masks: dict[str, Tensor], delta_masks: dict[str, Tensor] | None) -> Tensor:
        for path, m in masks.items():  # the masks do not reach back to the CI logits
            (grad,) = torch.autograd.grad(
                m.sum(), [logits[path]], retain_graph=True, allow_unused=True
            )
            assert grad is None
        return masked_recon_loss(model, x, target, mse_output_loss, masks, delta_masks)

    ppgd.warmup({path: z.clamp(0, 1) for path, z in logits.items()}, loss_fn, training_step=3)
    assert ppgd.n_updates == 2
    assert all(z.grad is None for z in logits.values())
    assert all(p.grad is None for p in model.parameters())
    assert all(not torch.equal(before[p], s) for p, s in ppgd.sources.items())


def test_state_round_trips_bitwise_through_safetensors(tiny_mlp: TinyMLP, tmp_path: Path) -> None:
    model, x, target, ci = setup(tiny_mlp)

    def ascend(ppgd: PersistentPGD, steps: range) -> None:
        for step in steps:
            loss = ppgd_recon_loss(model, x, ci, target, mse_output_loss, ppgd)
            ppgd.step(ppgd.source_grads(loss), step)

    original = make_ppgd(model, seed=0, lr_warmup_frac=0.0)
    ascend(original, range(3))
    save_file(original.state_dict(), tmp_path / "ppgd.safetensors")
    resumed = make_ppgd(model, seed=1, lr_warmup_frac=0.0)
    resumed.load_state_dict(load_file(tmp_path / "ppgd.safetensors"))
    ascend(original, range(3, 6))
    ascend(resumed, range(3, 6))
    assert resumed.n_updates == original.n_updates == 6
    original_state, resumed_state = original.state_dict(), resumed.state_dict()
    assert set(original_state) == {
        "n_updates",
        *(
            f"{kind}.{path}"
            for kind in ("sources", "exp_avg", "exp_avg_sq")
            for path in ("fc1", "fc2")
        ),
    }
    for key, tensor in original_state.items():
        assert torch.equal(tensor, resumed_state[key]), key


def test_loading_a_mismatched_state_fails_clearly(tiny_mlp: TinyMLP) -> None:
    model, _, _, _ = setup(tiny_mlp)
    state = make_ppgd(model).state_dict()
    with pytest.raises(ValueError, match=r"missing \['exp_avg.fc1', 'exp_avg.fc2'"):
        make_ppgd(model).load_state_dict(make_ppgd(model, optimizer="sign").state_dict())
    state["sources.fc1"] = torch.zeros(1, 1, 6)
    with pytest.raises(ValueError, match=r"'sources.fc1' has shape \(1, 1, 6\)"):
        make_ppgd(model).load_state_dict(state)


def test_shared_sources_sync_across_ranks(tiny_mlp: TinyMLP, tmp_path: Path) -> None:
    dist.init_process_group(
        "gloo", init_method=f"file://{tmp_path / 'store'}", rank=0, world_size=1
    )
    try:
        model, x, target, ci = setup(tiny_mlp)
        ppgd = make_ppgd(model, scope="single", lr_warmup_frac=0.0)
        loss = ppgd_recon_loss(model, x, ci, target, mse_output_loss, ppgd)
        ppgd.step(ppgd.source_grads(loss), 0)
        assert fresh_pgd_eval(model, x, ci, target, mse_output_loss, n_steps=2) > 0
    finally:
        dist.destroy_process_group()


def test_without_delta_the_delta_channel_is_unused(tiny_mlp: TinyMLP) -> None:
    model, x, target, ci = setup(tiny_mlp)
    ppgd = make_ppgd(model, use_delta=False)
    masks, delta_masks = ppgd.masks(ci)
    assert delta_masks is None
    grads = ppgd.source_grads(ppgd_recon_loss(model, x, ci, target, mse_output_loss, ppgd))
    assert bool((grads["fc1"][..., -1] == 0).all()) and grads["fc1"][..., :-1].abs().sum() > 0
