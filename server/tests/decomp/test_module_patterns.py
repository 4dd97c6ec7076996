import pytest
from torch import nn

from paramlens.decomp.module_patterns import resolve_module_patterns, resolve_transposes

from .conftest import TinyLM


class Stack(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            nn.ModuleDict({"mlp_in": nn.Linear(4, 8), "mlp_out": nn.Linear(8, 4)}) for _ in range(3)
        )
        self.norm = nn.LayerNorm(4)


def test_patterns_resolve_in_sorted_path_order_with_their_C() -> None:
    resolved = resolve_module_patterns(Stack(), {"layers.*.mlp_out": 5, "layers.*.mlp_in": 7})
    assert list(resolved.items()) == [
        ("layers.0.mlp_in", 7),
        ("layers.0.mlp_out", 5),
        ("layers.1.mlp_in", 7),
        ("layers.1.mlp_out", 5),
        ("layers.2.mlp_in", 7),
        ("layers.2.mlp_out", 5),
    ]


def test_pairs_are_accepted_as_well_as_a_mapping() -> None:
    assert resolve_module_patterns(Stack(), [("layers.1.mlp_in", 3)]) == {"layers.1.mlp_in": 3}


def test_a_pattern_matching_nothing_is_named() -> None:
    with pytest.raises(ValueError, match=r"'layers\.\*\.attn' matches no module"):
        resolve_module_patterns(Stack(), {"layers.*.mlp_in": 2, "layers.*.attn": 2})


def test_a_module_matched_twice_names_both_patterns_and_the_module() -> None:
    with pytest.raises(ValueError) as error:
        resolve_module_patterns(Stack(), {"layers.*.mlp_in": 2, "layers.1.*": 3})
    message = str(error.value)
    assert "'layers.1.mlp_in'" in message
    assert "'layers.*.mlp_in'" in message and "'layers.1.*'" in message


def test_an_unsupported_module_type_is_named() -> None:
    with pytest.raises(TypeError, match=r"'norm'.*torch\.nn\.modules\.normalization\.LayerNorm"):
        resolve_module_patterns(Stack(), {"norm": 2})


def test_C_must_be_positive() -> None:
    with pytest.raises(ValueError, match="C must be positive"):
        resolve_module_patterns(Stack(), {"layers.0.mlp_in": 0})


def test_embeddings_are_supported_but_not_with_max_norm() -> None:
    assert resolve_module_patterns(TinyLM(), {"embed": 4}) == {"embed": 4}
    model = TinyLM()
    model.embed = nn.Embedding(11, 8, max_norm=1.0)
    with pytest.raises(ValueError, match="max_norm"):
        resolve_module_patterns(model, {"embed": 4})


def test_hugging_face_conv1d_is_supported() -> None:
    from transformers import GPT2Config, GPT2LMHeadModel

    model = GPT2LMHeadModel(GPT2Config(n_layer=2, n_embd=16, n_head=2, vocab_size=32))
    resolved = resolve_module_patterns(model, {"transformer.h.*.attn.c_attn": 4})
    assert list(resolved) == ["transformer.h.0.attn.c_attn", "transformer.h.1.attn.c_attn"]


def test_a_transpose_pattern_must_match_one_module_and_name_a_decomposed_one() -> None:
    model = TinyLM()
    module_C = resolve_module_patterns(model, {"mlp_*": 2})
    assert resolve_transposes(model, [("mlp_out", "mlp_in")], module_C) == {"mlp_out": "mlp_in"}
    with pytest.raises(ValueError, match="must match exactly one module; it matches 2"):
        resolve_transposes(model, [("mlp_*", "mlp_in")], module_C)
    with pytest.raises(ValueError, match="'embed' is not a decomposed module"):
        resolve_transposes(model, [("mlp_out", "embed")], module_C)
