import pytest

from paramlens.config import DecompositionConfig
from paramlens.config.presets import merge

BASE = {
    "target": {"builtin": "tiny_llama"},
    "data": {"tokens": {"train": ["a.npy"], "seq_len": 64}},
    "modules": [{"pattern": "h.*.mlp.c_fc", "C": 8}],
}


def _config(method: str, **extra: object) -> DecompositionConfig:
    return DecompositionConfig.model_validate({"method": method, **BASE, **extra})


def test_vpd_preset_is_the_paper_run() -> None:
    config = _config("vpd")
    losses = config.losses
    assert losses.faithfulness is not None and losses.faithfulness.coeff == 1e7
    assert losses.importance_minimality.coeff == 2e-4
    assert (losses.importance_minimality.p_start, losses.importance_minimality.p_final) == (2, 0.4)
    assert losses.importance_minimality.beta == 0.5
    assert losses.stochastic_recon is not None
    assert (losses.stochastic_recon.coeff, losses.stochastic_recon.routing) == (
        0.5,
        "uniform_k_subset",
    )
    assert losses.ppgd_recon is not None and losses.ppgd_recon.coeff == 0.5
    assert losses.stochastic_recon_layerwise is None
    assert config.ci_function.type == "global_transformer"
    assert config.training.grad_clip_components == 0.01
    assert config.training.lr_schedule.final_frac == 0.1
    assert config.adversary.persistent.beta1 == 0.5


def test_spd_preset_is_the_toy_setting() -> None:
    config = _config("spd")
    assert config.ci_function.type == "mlp"
    assert config.losses.ppgd_recon is None
    assert config.losses.stochastic_recon_layerwise is not None
    assert config.losses.importance_minimality.coeff == 3e-3


def test_explicit_values_win_and_the_rest_merges() -> None:
    config = _config("vpd", losses={"importance_minimality": {"coeff": 1e-3}})
    assert config.losses.importance_minimality.coeff == 1e-3
    assert config.losses.importance_minimality.p_final == 0.4


def test_null_turns_a_preset_loss_off() -> None:
    config = _config("vpd", losses={"faithfulness": None})
    assert config.losses.faithfulness is None


def test_another_type_replaces_the_preset_mapping() -> None:
    config = _config("vpd", ci_function={"type": "shared_mlp", "hidden_dims": [4]})
    assert config.ci_function.type == "shared_mlp"


def test_a_mapping_without_type_keeps_the_preset_type() -> None:
    config = _config("vpd", ci_function={"d_model": 64, "n_heads": 4, "max_len": 64})
    assert config.ci_function.type == "global_transformer"
    assert config.ci_function.d_model == 64


TOY_DATA = {"synthetic": {"feature_probability": 0.1}}
LM_DATA = BASE["data"]


@pytest.mark.parametrize(
    ("target", "data", "loss"),
    [
        ({"builtin": "tms_5-2"}, TOY_DATA, "mse"),
        ({"builtin": "tiny_llama"}, LM_DATA, "kl"),
        ({"huggingface": {"path": "m"}}, LM_DATA, "kl"),
    ],
)
def test_output_loss_defaults_from_the_target(target: object, data: object, loss: str) -> None:
    raw = {"method": "spd", "target": target, "data": data, "modules": [{"pattern": "x", "C": 1}]}
    assert DecompositionConfig.model_validate(raw).output_loss == loss


def test_merge_replaces_lists_and_scalars() -> None:
    assert merge({"a": [1, 2], "b": {"c": 1, "d": 2}}, {"a": [3], "b": {"c": 5}}) == {
        "a": [3],
        "b": {"c": 5, "d": 2},
    }


def test_configs_are_frozen() -> None:
    config = _config("spd")
    with pytest.raises(ValueError):
        config.seed = 3


def test_a_dumped_config_loads_back_unchanged() -> None:
    for config in (_config("spd"), _config("vpd", losses={"faithfulness": None})):
        dumped = config.model_dump(mode="json", by_alias=True)
        assert DecompositionConfig.model_validate(dumped) == config
