from typing import Any

import pytest
import torch
from torch import Tensor, nn

from paramlens.decomp.component_model import ComponentModel

from .conftest import TinyLM, TinyMLP


def ones_masks(model: ComponentModel) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    masks = {path: torch.ones(C) for path, C in model.module_C.items()}
    delta_masks = {path: torch.ones(()) for path in model.module_paths}
    return masks, delta_masks


def tiny_gpt2() -> nn.Module:
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    config = GPT2Config(n_layer=1, n_embd=32, n_head=4, vocab_size=50, n_positions=16)
    return GPT2LMHeadModel(config).eval()  # built in train mode: dropout would be on


def gpt2_logits(out: Any) -> Tensor:
    logits: Tensor = out.logits
    return logits


def test_all_ones_masks_with_delta_reproduce_an_mlp(tiny_mlp: TinyMLP) -> None:
    x = torch.randn(4, 3, 6)
    expected = tiny_mlp(x)
    model = ComponentModel(tiny_mlp, {"fc1": 5, "fc2": 3})
    masks, delta_masks = ones_masks(model)
    out = model(x, masks=masks, delta_masks=delta_masks).output
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-6)
    assert not torch.allclose(model(x, masks=masks).output, expected, atol=1e-3)  # Δ matters


def test_all_ones_masks_with_delta_reproduce_a_gpt2_with_conv1d() -> None:
    target = tiny_gpt2()
    ids = torch.randint(0, 50, (2, 7))
    expected = target(ids).logits
    paths = [
        "transformer.h.0.attn.c_attn",
        "transformer.h.0.attn.c_proj",
        "transformer.h.0.mlp.c_fc",
    ]
    model = ComponentModel(target, dict.fromkeys(paths, 6), select_output=gpt2_logits)
    c_attn = model.decomposed["transformer.h.0.attn.c_attn"]
    assert (c_attn.kind, c_attn.d_in, c_attn.d_out) == ("conv1d", 32, 96)
    masks, delta_masks = ones_masks(model)
    out = model(ids, masks=masks, delta_masks=delta_masks).output
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)
    cached = model(ids, cache=["inputs"]).inputs
    assert cached["transformer.h.0.mlp.c_fc"].shape == (2, 7, 32)


def test_all_ones_masks_with_delta_reproduce_an_embedding(tiny_lm: TinyLM) -> None:
    ids = torch.randint(0, 11, (3, 5))
    expected = tiny_lm(ids)
    model = ComponentModel(tiny_lm, {"embed": 4, "mlp_in": 3, "unembed": 2})
    masks, delta_masks = ones_masks(model)
    out = model(ids, masks=masks, delta_masks=delta_masks).output
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-6)


def test_weight_deltas_are_target_minus_components(tiny_lm: TinyLM) -> None:
    model = ComponentModel(tiny_lm, {"embed": 4, "mlp_in": 3})
    deltas = model.weight_deltas()
    embed = model.components_of("embed")
    torch.testing.assert_close(deltas["embed"], tiny_lm.embed.weight.T - (embed.V @ embed.U).T)
    assert deltas["mlp_in"].shape == tiny_lm.mlp_in.weight.shape
    assert deltas["mlp_in"].requires_grad


def test_target_is_frozen_and_stays_in_eval_mode(tiny_mlp: TinyMLP) -> None:
    model = ComponentModel(tiny_mlp, {"fc1": 2})
    model.train()
    assert not tiny_mlp.training and model.training
    assert all(not p.requires_grad for p in tiny_mlp.parameters())
    assert all(p.requires_grad for p in model.components.parameters())


def test_the_same_generator_seed_gives_the_same_components(tiny_mlp: TinyMLP) -> None:
    first = ComponentModel(
        tiny_mlp, {"fc1": 2, "fc2": 3}, generator=torch.Generator().manual_seed(3)
    )
    second = ComponentModel(
        tiny_mlp, {"fc2": 3, "fc1": 2}, generator=torch.Generator().manual_seed(3)
    )
    for (name, a), (_, b) in zip(
        first.components.named_parameters(), second.components.named_parameters(), strict=True
    ):
        assert torch.equal(a, b), name
    assert first.module_paths == ["fc1", "fc2"]


def test_unrouted_positions_output_the_original_module(tiny_lm: TinyLM) -> None:
    ids = torch.randint(0, 11, (2, 4))
    expected = tiny_lm(ids)
    model = ComponentModel(tiny_lm, {"mlp_in": 3, "mlp_out": 3})
    masks = {path: torch.zeros(2, 4, 3) for path in model.module_paths}
    nowhere = {path: torch.zeros(2, 4, dtype=torch.bool) for path in model.module_paths}
    torch.testing.assert_close(model(ids, masks=masks, routing=nowhere).output, expected)

    only_first = {path: torch.zeros(2, 4, dtype=torch.bool) for path in model.module_paths}
    only_first["mlp_in"][0, 1] = True
    out = model(ids, masks=masks, routing=only_first).output
    torch.testing.assert_close(out[1], expected[1])
    torch.testing.assert_close(out[0, 0], expected[0, 0])
    assert not torch.allclose(out[0, 1], expected[0, 1])


def test_modules_without_masks_run_as_the_target(tiny_mlp: TinyMLP) -> None:
    x = torch.randn(5, 6)
    model = ComponentModel(tiny_mlp, {"fc1": 4, "fc2": 4})
    zero_fc2 = model(x, masks={"fc2": torch.zeros(4)}).output
    torch.testing.assert_close(zero_fc2, tiny_mlp.fc2.bias.expand(5, 5))
    torch.testing.assert_close(model(x).output, tiny_mlp(x))


def test_input_cache_holds_the_pre_weight_activations(tiny_mlp: TinyMLP) -> None:
    x = torch.randn(5, 6)
    model = ComponentModel(tiny_mlp, {"fc1": 4, "fc2": 4})
    result = model(x, cache=["inputs", "outputs"])
    torch.testing.assert_close(result.inputs["fc1"], x)
    torch.testing.assert_close(result.inputs["fc2"], torch.nn.functional.gelu(tiny_mlp.fc1(x)))
    torch.testing.assert_close(result.outputs["fc1"], tiny_mlp.fc1(x))
    torch.testing.assert_close(result.output, tiny_mlp(x))


def test_component_acts_give_direct_effects_through_post(tiny_mlp: TinyMLP) -> None:
    x = torch.randn(3, 6)
    model = ComponentModel(tiny_mlp, {"fc1": 4, "fc2": 5})
    masks, delta_masks = ones_masks(model)
    result = model(x, masks=masks, delta_masks=delta_masks, cache=["component_acts"])
    fc1, fc2 = result.component_acts["fc1"], result.component_acts["fc2"]
    torch.testing.assert_close(fc1.pre, x @ model.components_of("fc1").V)
    assert fc1.post.is_leaf and fc1.post.requires_grad
    torch.testing.assert_close(result.output, tiny_mlp(x), rtol=1e-5, atol=1e-6)

    (grad_post,) = torch.autograd.grad(fc2.pre[0, 2], [fc1.post])
    # pre2[0, 2] = gelu(post1[0] @ U1 + ...) @ V2[:, 2], and only batch row 0 is involved
    U1, V2 = model.components_of("fc1").U, model.components_of("fc2").V
    hidden = tiny_mlp.fc1(x)[0].requires_grad_()
    (gelu_slope,) = torch.autograd.grad(torch.nn.functional.gelu(hidden).sum(), [hidden])
    expected = torch.zeros(3, 4)
    expected[0] = U1 @ (gelu_slope * V2[:, 2])
    torch.testing.assert_close(grad_post, expected)


def test_bad_masks_fail_with_the_module_named(tiny_mlp: TinyMLP) -> None:
    model = ComponentModel(tiny_mlp, {"fc1": 4})
    x = torch.randn(2, 6)
    with pytest.raises(ValueError, match="'fc2', which is not a decomposed module"):
        model(x, masks={"fc2": torch.ones(4)})
    with pytest.raises(
        ValueError, match=r"mask for 'fc1' has shape \(2, 3\); its last dim must be C=4"
    ):
        model(x, masks={"fc1": torch.ones(2, 3)})
    with pytest.raises(ValueError, match="delta mask for 'fc1', which has no component mask"):
        model(x, delta_masks={"fc1": torch.ones(2)})
    with pytest.raises(ValueError, match="unknown cache kinds"):
        model(x, cache=["activations"])
    assert not tiny_mlp.fc1._forward_hooks


def test_hooks_are_removed_after_a_failing_forward(tiny_mlp: TinyMLP) -> None:
    model = ComponentModel(tiny_mlp, {"fc1": 4, "fc2": 4})
    with pytest.raises(RuntimeError):
        model(torch.randn(2, 7), cache=["inputs"])
    assert not tiny_mlp.fc1._forward_hooks and not tiny_mlp.fc2._forward_hooks


def test_non_tensor_outputs_need_select_output() -> None:
    model = ComponentModel(tiny_gpt2(), {"transformer.h.0.mlp.c_fc": 4})
    with pytest.raises(TypeError, match="pass select_output"):
        model(torch.randint(0, 50, (1, 3)))


def test_unknown_modules_are_rejected(tiny_mlp: TinyMLP) -> None:
    with pytest.raises(ValueError, match="no module 'fc3'"):
        ComponentModel(tiny_mlp, {"fc3": 2})


def _tied_tms() -> nn.Module:
    from paramlens.targets.tms import TMS, TMSConfig

    torch.manual_seed(0)
    return TMS(TMSConfig(n_features=6, n_hidden=3))


def test_a_transposed_module_shares_the_factors_of_its_source() -> None:
    target = _tied_tms()
    model = ComponentModel(target, {"linear1": 4, "linear2": 4}, transposes={"linear2": "linear1"})
    first, second = model.components_of("linear1"), model.components_of("linear2")

    assert [name for name, _ in model.components.named_parameters(prefix="components")] == [
        "components.linear1.V",
        "components.linear1.U",
    ]
    assert torch.equal(second.V, first.U.T) and torch.equal(second.U, first.V.T)
    assert torch.equal(second.weight, first.weight.T)
    # The one set of factors learns from both matrices.
    x = torch.rand(5, 6)
    masks = {"linear2": torch.ones(4)}
    model(x, masks=masks).output.sum().backward()
    assert first.U.grad is not None and first.U.grad.abs().sum() > 0
    # The shared module still reproduces the target with Δ on.
    masks, deltas = ones_masks(model)
    torch.testing.assert_close(
        model(x, masks=masks, delta_masks=deltas).output, target(x), rtol=1e-5, atol=1e-6
    )


def test_only_a_true_transpose_with_the_same_C_can_share(tiny_mlp: TinyMLP) -> None:
    with pytest.raises(ValueError, match="is not the transpose of 'fc1'"):
        ComponentModel(tiny_mlp, {"fc1": 4, "fc2": 4}, transposes={"fc2": "fc1"})
    with pytest.raises(ValueError, match="has C=3 but 'linear1'.*has C=4"):
        ComponentModel(_tied_tms(), {"linear1": 4, "linear2": 3}, transposes={"linear2": "linear1"})
    with pytest.raises(ValueError, match="names no decomposed module"):
        ComponentModel(_tied_tms(), {"linear2": 4}, transposes={"linear2": "linear1"})
