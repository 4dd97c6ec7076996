from pathlib import Path

import pytest

from paramlens.config import load_config

REPO_EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
EXAMPLE_FILES = sorted(REPO_EXAMPLES.glob("*.decomp.yaml"))


def test_every_expected_example_exists() -> None:
    names = {path.name for path in EXAMPLE_FILES}
    assert {
        "tms_5-2.decomp.yaml",
        "tms_40-10.decomp.yaml",
        "resid_mlp_1.decomp.yaml",
        "tiny_llama.decomp.yaml",
        "tiny_gpt2.decomp.yaml",
    } <= names


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.name)
def test_example_validates(path: Path) -> None:
    loaded = load_config(path)
    assert loaded.source_format == "native"
    assert loaded.notes == ()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.name)
def test_example_starts_with_a_comment(path: Path) -> None:
    assert path.read_text(encoding="utf-8").startswith("# ")


def test_tms_5_2_follows_the_spd_paper(examples_dir: Path) -> None:
    loaded = load_config(examples_dir / "tms_5-2.decomp.yaml")
    config = loaded.config
    assert config.method == "spd"
    assert config.target.builtin == "tms_5-2"
    assert [(m.pattern, m.C) for m in config.modules] == [("linear1", 20), ("linear2", 20)]
    losses = config.losses
    assert losses.importance_minimality.coeff == 3e-3
    assert losses.importance_minimality.p_start == losses.importance_minimality.p_final == 1.0
    assert losses.faithfulness is not None and losses.faithfulness.coeff == 1.0
    assert losses.stochastic_recon is not None and losses.stochastic_recon.coeff == 1.0
    assert losses.stochastic_recon_layerwise is not None
    assert losses.stochastic_recon_layerwise.coeff == 1.0
    assert losses.ppgd_recon is None
    assert config.output_loss == "mse"
    assert loaded.counts is not None and loaded.counts.total == 40


def test_tiny_llama_uses_vpd_with_a_small_ci_transformer(examples_dir: Path) -> None:
    config = load_config(examples_dir / "tiny_llama.decomp.yaml").config
    assert config.method == "vpd"
    assert config.ci_function.type == "global_transformer"
    assert config.ci_function.d_model == 256
    assert config.losses.ppgd_recon is not None
    assert config.analysis is not None
    assert config.analysis.prompts[0].prompt
    assert "h.1.mlp.down_proj:12" in config.analysis.components
    assert "0.attn.q:5" in config.analysis.components


def test_resid_mlp_counts_c_per_layer(examples_dir: Path) -> None:
    counts = load_config(examples_dir / "resid_mlp_1.decomp.yaml").counts
    assert counts is not None
    assert counts.per_module == {"layers.0.mlp_in": 100, "layers.0.mlp_out": 100}
    assert counts.per_layer == {0: 200}
