import pytest
import torch
import torch.nn.functional as F

from paramlens.decomp import ci_transformer
from paramlens.decomp.ci_functions import (
    LayerwiseMLPCI,
    SharedMLPCI,
    VectorMLPCI,
    causal_importance,
)
from paramlens.decomp.ci_transformer import GlobalTransformerCI, apply_rotary, rotary_cos_sin
from paramlens.decomp.component_model import ComponentModel

from .conftest import TinyLM

MODULES = {"embed": 4, "mlp_in": 5, "mlp_out": 3, "unembed": 2}


def lm_inputs(
    tiny_lm: TinyLM, B: int = 2, T: int = 6
) -> tuple[ComponentModel, dict[str, torch.Tensor]]:
    model = ComponentModel(tiny_lm, MODULES)
    ids = torch.randint(0, 11, (B, T), generator=torch.Generator().manual_seed(1))
    return model, model(ids, cache=["inputs"]).inputs


def small_transformer(model: ComponentModel) -> GlobalTransformerCI:
    return GlobalTransformerCI(model.decomposed, d_model=16, n_blocks=2, n_heads=2, d_ff=32)


@pytest.mark.parametrize("ci_type", [LayerwiseMLPCI, VectorMLPCI, SharedMLPCI])
def test_layerwise_functions_give_logits_per_module(ci_type: type, tiny_lm: TinyLM) -> None:
    model, inputs = lm_inputs(tiny_lm)
    ci_fn = ci_type(model.decomposed, hidden_dims=[7])
    logits = ci_fn(inputs, model.components_by_path)
    assert list(logits) == sorted(MODULES)
    for path, C in MODULES.items():
        assert logits[path].shape == (2, 6, C)
    torch.stack([z.sum() for z in logits.values()]).sum().backward()
    assert all(p.grad is not None for p in ci_fn.parameters())
    assert model.components_of("embed").V.grad is not None  # read through V[token]


def test_mlp_runs_one_small_mlp_per_subcomponent_on_its_activation(tiny_lm: TinyLM) -> None:
    model, inputs = lm_inputs(tiny_lm)
    ci_fn = LayerwiseMLPCI(model.decomposed, hidden_dims=[7])
    logits = ci_fn(inputs, model.components_by_path)["mlp_in"]
    h = inputs["mlp_in"] @ model.components_of("mlp_in").V  # (B, T, C)
    mlp = ci_fn.mlps["mlp_in"]
    for c in range(5):
        hidden = F.gelu(h[..., c : c + 1] @ mlp.weights[0][c] + mlp.biases[0][c])  # (B, T, 7)
        expected = hidden @ mlp.weights[1][c] + mlp.biases[1][c]  # (B, T, 1)
        torch.testing.assert_close(logits[..., c], expected[..., 0])


def test_vector_mlp_runs_one_mlp_per_subcomponent_on_the_whole_input(tiny_lm: TinyLM) -> None:
    model, inputs = lm_inputs(tiny_lm)
    ci_fn = VectorMLPCI(model.decomposed, hidden_dims=[7, 3])
    logits = ci_fn(inputs, model.components_by_path)["mlp_out"]
    mlp = ci_fn.mlps["mlp_out"]
    for c in range(3):
        x = inputs["mlp_out"]
        for i, (weight, bias) in enumerate(zip(mlp.weights, mlp.biases, strict=True)):
            x = x @ weight[c] + bias[c]
            x = F.gelu(x) if i < 2 else x
        torch.testing.assert_close(logits[..., c], x[..., 0])


def test_layerwise_functions_read_an_embedding_through_its_component_acts(tiny_lm: TinyLM) -> None:
    model, inputs = lm_inputs(tiny_lm)
    ci_fn = SharedMLPCI(model.decomposed, hidden_dims=[])
    layer = ci_fn.mlps["embed"]
    acts = model.components_of("embed").V[inputs["embed"]]
    torch.testing.assert_close(ci_fn(inputs, model.components_by_path)["embed"], layer(acts))


def test_global_transformer_shapes_and_sorted_split(tiny_lm: TinyLM) -> None:
    model, inputs = lm_inputs(tiny_lm)
    ci_fn = small_transformer(model)
    logits = ci_fn(inputs, model.components_by_path)
    assert list(logits) == sorted(MODULES)
    assert [logits[p].shape for p in sorted(MODULES)] == [
        (2, 6, MODULES[p]) for p in sorted(MODULES)
    ]
    full = ci_fn.output_proj(torch.zeros(16))  # the split follows sorted path order
    assert ci_fn.C_splits == [MODULES[p] for p in sorted(MODULES)] and full.shape == (14,)


def test_global_transformer_takes_inputs_without_a_sequence_axis(tiny_lm: TinyLM) -> None:
    model, inputs = lm_inputs(tiny_lm)
    single_position = {path: x[:, 0] for path, x in inputs.items()}
    ci_fn = small_transformer(model)
    logits = ci_fn(single_position, model.components_by_path)
    assert logits["mlp_in"].shape == (2, 5)
    full = ci_fn({p: x[:, :1] for p, x in inputs.items()}, model.components_by_path)
    torch.testing.assert_close(logits["mlp_in"], full["mlp_in"][:, 0])


def test_global_transformer_is_bidirectional(tiny_lm: TinyLM) -> None:
    model, inputs = lm_inputs(tiny_lm)
    ci_fn = small_transformer(model)
    before = ci_fn(inputs, model.components_by_path)
    changed = {path: x.clone() for path, x in inputs.items()}
    changed["mlp_out"][:, -1] += 1.0  # only the last position changes
    after = ci_fn(changed, model.components_by_path)
    assert not torch.allclose(before["mlp_in"][:, 0], after["mlp_in"][:, 0])  # sees the future


def test_global_transformer_sees_positions_only_through_rope(
    tiny_lm: TinyLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, inputs = lm_inputs(tiny_lm)
    ci_fn = small_transformer(model)
    permutation = torch.tensor([3, 0, 5, 1, 4, 2])
    permuted = {path: x[:, permutation] for path, x in inputs.items()}

    def permutes_with_input() -> bool:
        out = ci_fn(inputs, model.components_by_path)["mlp_in"]
        out_permuted = ci_fn(permuted, model.components_by_path)["mlp_in"]
        return torch.allclose(out[:, permutation], out_permuted, atol=1e-5)

    assert not permutes_with_input()

    def no_rotation(seq_len: int, head_dim: int, base: float, device: torch.device):  # type: ignore[no-untyped-def]
        return torch.ones(seq_len, head_dim // 2), torch.zeros(seq_len, head_dim // 2)

    monkeypatch.setattr(ci_transformer, "rotary_cos_sin", no_rotation)
    assert permutes_with_input()


def test_rope_scores_depend_on_relative_position_only() -> None:
    generator = torch.Generator().manual_seed(0)
    q, k = (
        torch.randn(1, 1, 1, 8, generator=generator),
        torch.randn(1, 1, 1, 8, generator=generator),
    )
    cos, sin = rotary_cos_sin(12, 8, 1e4, torch.device("cpu"))
    rotated_q = apply_rotary(q.expand(1, 1, 12, 8), cos, sin)[0, 0]  # (12, 8)
    rotated_k = apply_rotary(k.expand(1, 1, 12, 8), cos, sin)[0, 0]
    scores = rotated_q @ rotated_k.T  # (12, 12)
    torch.testing.assert_close(scores[5, 2], scores[9, 6])
    torch.testing.assert_close(scores[0, 0], (q * k).sum())
    assert not torch.isclose(scores[5, 2], scores[5, 3])


def test_an_embedding_is_projected_as_its_rms_normalised_one_hot(tiny_lm: TinyLM) -> None:
    model = ComponentModel(tiny_lm, {"embed": 4, "mlp_in": 5})
    ids = torch.tensor([[3, 7, 0]])
    inputs = model(ids, cache=["inputs"]).inputs
    ci_fn = GlobalTransformerCI(model.decomposed, d_model=8, n_blocks=0, n_heads=2, d_ff=8)
    one_hot = F.one_hot(ids, 11).float()
    dense = F.rms_norm(inputs["mlp_in"], (8,), eps=1e-6)
    tokens = F.rms_norm(one_hot, (11,), eps=1e-6)
    projected = ci_fn.input_proj(torch.cat([dense, tokens], dim=-1))
    expected = ci_fn.output_proj(projected)
    logits = ci_fn(inputs, model.components_by_path)
    torch.testing.assert_close(torch.cat([logits["embed"], logits["mlp_in"]], dim=-1), expected)


def test_mismatched_leading_shapes_are_rejected(tiny_lm: TinyLM) -> None:
    model, inputs = lm_inputs(tiny_lm)
    inputs["mlp_in"] = inputs["mlp_in"][:, :3]
    with pytest.raises(ValueError, match="one shared"):
        small_transformer(model)(inputs, model.components_by_path)


def test_causal_importance_applies_both_clamps() -> None:
    logits = {"a": torch.tensor([-1.0, 0.5, 2.0])}
    ci = causal_importance(logits)
    torch.testing.assert_close(ci.lower["a"], torch.tensor([0.0, 0.5, 1.0]))
    torch.testing.assert_close(ci.upper["a"], torch.tensor([0.0, 0.5, 1.01]))
    assert ci.logits["a"] is logits["a"]
