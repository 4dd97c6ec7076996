import pytest

from paramlens.config.counts import PatternMatchError, count_components, layered_module_names
from paramlens.config.sections.modules import ModuleSpec

PILE = [
    ModuleSpec(pattern="h.*.mlp.c_fc", C=3072),
    ModuleSpec(pattern="h.*.mlp.down_proj", C=3584),
    ModuleSpec(pattern="h.*.attn.q_proj", C=512),
    ModuleSpec(pattern="h.*.attn.k_proj", C=512),
    ModuleSpec(pattern="h.*.attn.v_proj", C=1024),
    ModuleSpec(pattern="h.*.attn.o_proj", C=1024),
]


def test_layered_names_give_the_pile_totals() -> None:
    names = layered_module_names((m.pattern for m in PILE), 4)
    assert names is not None
    counts = count_components(PILE, names)
    assert counts.total == 38_912
    assert counts.per_layer == {layer: 9728 for layer in range(4)}


def test_layered_names_refuse_other_wildcards() -> None:
    assert layered_module_names(["h.*.attn.*_proj"], 2) is None
    assert layered_module_names(["linear1"], 3) == ("linear1",)


def test_unmatched_and_doubly_matched_patterns() -> None:
    with pytest.raises(PatternMatchError) as unmatched:
        count_components([ModuleSpec(pattern="x", C=1)], ["linear1"])
    assert unmatched.value.index == 0
    with pytest.raises(PatternMatchError, match="matched by both"):
        count_components(
            [ModuleSpec(pattern="h.*", C=1), ModuleSpec(pattern="h.0.*", C=2)], ["h.0.mlp"]
        )


def test_per_layer_is_none_without_layer_numbers() -> None:
    counts = count_components([ModuleSpec(pattern="linear*", C=5)], ["linear1", "linear2"])
    assert (counts.total, counts.per_layer) == (10, None)
