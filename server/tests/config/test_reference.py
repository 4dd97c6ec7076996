from pathlib import Path

import pytest

from paramlens.config import ConfigValidationError, load_config, load_config_text


def test_tms_fixture_translates(reference_dir: Path) -> None:
    loaded = load_config(reference_dir / "tms_5-2_config.yaml")
    config = loaded.config
    assert loaded.source_format == "reference"
    assert config.method == "spd"
    assert config.target.builtin == "tms_5-2"
    assert config.data.synthetic is not None
    assert config.data.synthetic.feature_probability == 0.05
    assert [(m.pattern, m.C) for m in config.modules] == [("linear1", 20), ("linear2", 20)]
    assert config.ci_function.type == "mlp" and config.ci_function.hidden_dims == (16,)
    losses = config.losses
    assert losses.importance_minimality.coeff == 3e-3
    assert losses.importance_minimality.p_start == losses.importance_minimality.p_final == 1.0
    assert losses.importance_minimality.beta == 0
    assert losses.stochastic_recon is not None
    assert (losses.stochastic_recon.coeff, losses.stochastic_recon.routing) == (1.0, "all")
    assert losses.stochastic_recon_layerwise is not None
    assert losses.stochastic_recon_layerwise.coeff == 1.0
    # Losses the file does not list stay off, whatever the method's preset says.
    assert losses.faithfulness is None and losses.ppgd_recon is None
    training = config.training
    assert (training.steps, training.batch_size, training.lr) == (10_000, 4096, 1e-3)
    assert training.lr_schedule.kind == "cosine" and training.lr_schedule.final_frac == 0.0
    warmup = training.faithfulness_warmup
    assert (warmup.steps, warmup.lr, warmup.weight_decay) == (200, 0.01, 0.1)
    assert config.logging.ci_alive_threshold == 0.1
    assert config.logging.eval_batches == 100
    assert loaded.warnings == ()
    assert loaded.counts is not None and loaded.counts.total == 40


def test_tms_fixture_notes_the_local_target_and_ignored_keys(reference_dir: Path) -> None:
    notes = load_config(reference_dir / "tms_5-2_config.yaml").notes
    assert any("tms_5-2 is trained locally" in note and "wandb:" in note for note in notes)
    ignored = [note for note in notes if note.startswith("Ignored")]
    assert len(ignored) == 1
    for key in ("wandb_project", "wandb_run_name", "wandb_run_name_prefix", "PermutedCIPlots"):
        assert key in ignored[0]


def test_legacy_resid_mlp_fixture_translates(reference_dir: Path) -> None:
    loaded = load_config(reference_dir / "resid_mlp1_config.legacy.yaml")
    config = loaded.config
    assert config.target.builtin == "resid_mlp_1"
    assert [(m.pattern, m.C) for m in config.modules] == [
        ("layers.*.mlp_in", 100),
        ("layers.*.mlp_out", 100),
    ]
    assert config.ci_function.type == "mlp" and config.ci_function.hidden_dims == (16,)
    losses = config.losses
    assert losses.faithfulness is None
    assert losses.importance_minimality.coeff == 1e-3
    assert losses.importance_minimality.p_start == losses.importance_minimality.p_final == 2
    assert losses.stochastic_recon is not None and losses.stochastic_recon.coeff == 1.0
    assert losses.stochastic_recon_layerwise is not None
    assert config.output_loss == "mse"
    assert config.data.synthetic is not None
    assert config.data.synthetic.feature_probability == 0.01
    training = config.training
    assert (training.steps, training.batch_size, training.lr) == (30_000, 2048, 2e-3)
    assert training.lr_schedule.kind == "constant"
    assert (config.logging.log_every, config.logging.eval_every) == (100, 500)
    assert loaded.counts is not None and loaded.counts.per_layer == {0: 200}
    ignored = [note for note in loaded.notes if note.startswith("Ignored")]
    assert len(ignored) == 1 and "n_examples_until_dead" in ignored[0] and "UVPlots" in ignored[0]


def test_pile_fixture_translates_with_the_paper_settings(reference_dir: Path) -> None:
    loaded = load_config(reference_dir / "pile_llama_simple_mlp-4L.yaml")
    config = loaded.config
    assert config.method == "vpd"
    ci = config.ci_function
    assert ci.type == "global_transformer"
    assert (ci.d_model, ci.n_blocks, ci.n_heads, ci.d_ff, ci.max_len) == (2048, 8, 16, 8192, 512)
    losses = config.losses
    assert losses.faithfulness is not None and losses.faithfulness.coeff == 1e7
    imp = losses.importance_minimality
    assert (imp.coeff, imp.p_start, imp.p_final, imp.beta) == (2e-4, 2.0, 0.4, 0.5)
    assert (imp.p_anneal_start_frac, imp.p_anneal_end_frac) == (0.0, 1.0)
    assert losses.stochastic_recon is not None
    assert losses.stochastic_recon.routing == "uniform_k_subset"
    assert losses.ppgd_recon is not None and losses.ppgd_recon.routing == "all"
    adversary = config.adversary.persistent
    assert (adversary.optimizer, adversary.lr, adversary.warmup_frac) == ("adam", 0.01, 0.025)
    assert (adversary.beta1, adversary.beta2, adversary.n_warmup_steps) == (0.5, 0.99, 2)
    assert adversary.scope == "per_batch_per_position"
    assert (config.adversary.eval.n_steps, config.adversary.eval.step_size) == (20, 0.1)
    training = config.training
    assert (training.steps, training.batch_size, training.lr) == (400_000, 64, 5e-5)
    assert training.grad_clip_components == 0.01
    assert config.data.tokens is not None and config.data.tokens.seq_len == 512
    assert config.output_loss == "kl"


def test_pile_fixture_reports_total_c(reference_dir: Path) -> None:
    counts = load_config(reference_dir / "pile_llama_simple_mlp-4L.yaml").counts
    assert counts is not None
    assert counts.total == 38_912
    assert counts.per_layer == {0: 9728, 1: 9728, 2: 9728, 3: 9728}
    assert len(counts.per_module) == 24


def test_pile_fixture_warns_about_what_needs_a_local_copy(reference_dir: Path) -> None:
    loaded = load_config(reference_dir / "pile_llama_simple_mlp-4L.yaml")
    by_path = {warning.path: warning for warning in loaded.warnings}
    assert {"pretrained_model_name", "tokenizer_name", "task_config.dataset_name"} <= set(by_path)
    assert "pretrained_model_path" in by_path["pretrained_model_name"].message
    assert by_path["pretrained_model_name"].line == 141
    assert "tokenizer.json" in by_path["tokenizer_name"].message
    assert ".npy" in by_path["task_config.dataset_name"].message
    ignored = [note for note in loaded.notes if note.startswith("Ignored")]
    assert len(ignored) == 1 and "wandb_project" in ignored[0]


def _tms_text(reference_dir: Path, old: str, new: str) -> str:
    text = (reference_dir / "tms_5-2_config.yaml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def _errors(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(ConfigValidationError) as caught:
        load_config_text(text, source="tms_5-2_config.yaml")
    return [(e.path, e.line, e.message) for e in caught.value.errors]


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('sigmoid_type: "leaky_hard"', 'sigmoid_type: "hard"', "sigmoid_type"),
        ("use_delta_component: true", "use_delta_component: false", "use_delta_component"),
        ("n_mask_samples: 1", "n_mask_samples: 1\nsampling: binomial", "sampling"),
    ],
)
def test_unhonourable_key_is_an_error_naming_it(
    reference_dir: Path, old: str, new: str, path: str
) -> None:
    [(found_path, line, message)] = _errors(_tms_text(reference_dir, old, new))
    assert found_path == path
    assert line is not None
    assert "not supported" in message


def test_unsupported_training_loss_is_an_error(reference_dir: Path) -> None:
    text = _tms_text(
        reference_dir,
        '  - classname: "StochasticReconLoss"',
        '  - classname: "CIMaskedReconLoss"\n    coeff: 1.0\n  - classname: "StochasticReconLoss"',
    )
    [(path, line, message)] = _errors(text)
    assert path == "loss_metric_configs[1].classname"
    assert line == 25
    assert "CIMaskedReconLoss" in message and "cheatable" in message


def test_unknown_reference_key_suggests_the_closest(reference_dir: Path) -> None:
    errors = _errors(_tms_text(reference_dir, "steps: 10_000", "stepz: 10_000"))
    assert ("stepz", 33, "unknown key 'stepz' in the reference format; did you mean 'steps'?") in (
        errors
    )
    assert ("(top level)", 3, "missing steps") in errors


def test_reference_value_error_points_at_the_reference_key(reference_dir: Path) -> None:
    [(path, line, message)] = _errors(
        _tms_text(reference_dir, "\nbatch_size: 4096", "\nbatch_size: -5")
    )
    assert (path, line) == ("batch_size", 31)
    assert "greater than or equal to 1" in message


def test_toy_shape_comes_from_the_file_when_the_name_does_not_tell(reference_dir: Path) -> None:
    text = (reference_dir / "tms_5-2_config.yaml").read_text(encoding="utf-8")
    loaded = load_config_text(text, source="renamed.yaml")
    assert loaded.config.target.builtin == "tms_5-2"


def test_older_pnorm_names_and_the_40_10_shape(reference_dir: Path) -> None:
    text = _tms_text(reference_dir, "pnorm: 1.0", "pnorm_1: 2.0\n    pnorm_2: 0").replace(
        "n_features: 5", "n_features: 40"
    )
    config = load_config_text(text, source="tms_40-10_config.yaml").config
    assert config.target.builtin == "tms_40-10"
    assert config.losses.importance_minimality.p_start == 2.0


def test_annealed_legacy_coefficient_is_an_error(reference_dir: Path) -> None:
    text = (reference_dir / "resid_mlp1_config.legacy.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "importance_minimality_coeff_final: 1e-3", "importance_minimality_coeff_final: 1e-4"
    )
    with pytest.raises(ConfigValidationError) as caught:
        load_config_text(text, source="resid_mlp1_config.yaml")
    [error] = caught.value.errors
    assert (error.path, error.line) == ("importance_minimality_coeff_final", 28)
    assert "constant" in error.message


HF_REFERENCE = """\
wandb_project: spd
seed: 1
n_mask_samples: 1
ci_config: {mode: layerwise, fn_type: shared_mlp, hidden_dims: [32]}
module_info:
  - {module_pattern: transformer.h.1.attn.c_attn, C: 768}
loss_metric_configs:
  - {classname: ImportanceMinimalityLoss, coeff: 1.0e-4, pnorm: 2.0}
  - {classname: StochasticReconSubsetLoss, coeff: 1.0}
output_loss_type: kl
lr_schedule: {start_val: 1.0e-4, fn_type: cosine, final_val_frac: 0.0}
steps: 100
batch_size: 8
eval_freq: 10
pretrained_model_class: transformers.GPT2LMHeadModel
pretrained_model_name: gpt2
tokenizer_name: gpt2
task_config:
  task_name: lm
  max_seq_len: 64
  dataset_name: roneneldan/TinyStories
  column_name: text
"""


def test_hub_model_data_and_tokenizer_are_warnings_naming_their_keys() -> None:
    loaded = load_config_text(HF_REFERENCE, source="gpt2_config.yaml")
    config = loaded.config
    assert config.target.huggingface is not None and config.target.huggingface.path == "gpt2"
    assert config.data.text is not None and config.data.text.column == "text"
    assert config.ci_function.type == "shared_mlp"
    assert loaded.counts is not None and loaded.counts.total == 768
    by_path = {w.path: w for w in loaded.warnings}
    assert set(by_path) == {"pretrained_model_name", "tokenizer_name", "task_config.dataset_name"}
    assert by_path["pretrained_model_name"].line == 16
    assert "pretrained_model_path: ./models/<name>" in by_path["pretrained_model_name"].message


def test_a_run_refuses_while_warnings_remain(reference_dir: Path) -> None:
    loaded = load_config(reference_dir / "pile_llama_simple_mlp-4L.yaml")
    with pytest.raises(ConfigValidationError) as caught:
        loaded.check_runnable()
    assert "pile_llama_simple_mlp-4L.yaml:141:24: pretrained_model_name:" in str(caught.value)
    load_config(reference_dir / "tms_5-2_config.yaml").check_runnable()
