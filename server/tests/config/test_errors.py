"""Problems in native configs are reported with their key path, line, column and a reason."""

import pytest

from paramlens.config import ConfigError, ConfigValidationError, load_config_text

VALID = """\
method: spd
target:
  builtin: tms_5-2
data:
  synthetic:
    feature_probability: 0.05
modules:
  - pattern: linear1
    C: 20
  - pattern: linear2
    C: 20
training:
  steps: 100
  lr_schedule:
    kind: cosine
"""


def _errors(text: str) -> list[ConfigError]:
    with pytest.raises(ConfigValidationError) as caught:
        load_config_text(text, source="t.decomp.yaml")
    return list(caught.value.errors)


def _one(text: str) -> ConfigError:
    [error] = _errors(text)
    return error


def test_the_base_text_is_valid() -> None:
    assert load_config_text(VALID).config.training.steps == 100


def test_unknown_key_suggests_the_closest_at_its_line() -> None:
    error = _one(VALID.replace("  steps: 100", "  stepz: 100"))
    assert (error.path, error.line, error.column) == ("training.stepz", 13, 3)
    assert "unknown key 'stepz'" in error.message
    assert "did you mean 'steps'?" in error.message


def test_unknown_key_without_a_close_match_lists_the_allowed_ones() -> None:
    error = _one(VALID + "zzz: 1\n")
    assert error.path == "zzz" and error.line == 16
    assert "allowed here: method, seed, target" in error.message


def test_unknown_key_inside_a_typed_section() -> None:
    text = VALID + "ci_function:\n  type: global_transformer\n  d_modle: 64\n"
    error = _one(text)
    assert (error.path, error.line) == ("ci_function.d_modle", 18)
    assert "did you mean 'd_model'?" in error.message


def test_wrong_type() -> None:
    error = _one(VALID.replace("steps: 100", "steps: many"))
    assert (error.path, error.line, error.column) == ("training.steps", 13, 10)
    assert error.message == "must be an integer, got 'many'"


def test_out_of_range() -> None:
    error = _one(VALID.replace("    C: 20\n  - pattern: linear2", "    C: 0\n  - pattern: linear2"))
    assert (error.path, error.line) == ("modules[0].C", 9)
    assert "greater than or equal to 1, got 0" in error.message


def test_bad_enum_names_the_allowed_values() -> None:
    error = _one(VALID.replace("kind: cosine", "kind: cosin"))
    assert (error.path, error.line) == ("training.lr_schedule.kind", 15)
    assert error.message == "must be 'cosine', 'linear' or 'constant', got 'cosin'"


def test_bad_union_type() -> None:
    error = _one(VALID + "ci_function:\n  type: lstm\n")
    assert (error.path, error.line) == ("ci_function.type", 17)
    assert "'lstm'" in error.message and "'global_transformer'" in error.message


def test_missing_key_points_at_its_section() -> None:
    error = _one(VALID.replace("    feature_probability: 0.05\n", "    {}\n"))
    assert error.path == "data.synthetic.feature_probability"
    assert error.line == 5
    assert error.message.startswith("missing required key 'feature_probability'")


def test_missing_method_is_the_only_error() -> None:
    error = _one(VALID.replace("method: spd\n", ""))
    assert error.path == "method"
    assert "missing required key 'method'" in error.message


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    text = VALID.replace("C: 20\n  - pattern: linear2", "C: -1\n  - pattern: linear2").replace(
        "steps: 100", "steps: 0"
    )
    assert [e.path for e in _errors(text)] == ["modules[0].C", "training.steps"]


def test_yaml_syntax_error_has_its_line() -> None:
    error = _one("method: spd\ntarget: [tms\n")
    assert error.line == 3
    assert error.message.startswith("YAML syntax error")


def test_duplicate_key_is_an_error() -> None:
    error = _one(VALID + "method: vpd\n")
    assert (error.path, error.line) == ("method", 16)
    assert "duplicate key 'method' (first given on line 1)" in error.message


def test_empty_file() -> None:
    assert "got an empty file" in _one("").message


def test_cross_key_check_lands_on_the_key_to_fix() -> None:
    error = _one(VALID.replace("pattern: linear2", "pattern: linear1"))
    assert (error.path, error.line) == ("modules[1].pattern", 10)
    assert "already appears in modules[0]" in error.message


def test_pattern_matching_no_module_of_a_toy_target() -> None:
    error = _one(VALID.replace("pattern: linear2", "pattern: linear3"))
    assert (error.path, error.line) == ("modules[1].pattern", 10)
    assert "matches no module" in error.message and "linear1, linear2" in error.message


def test_a_transpose_of_lands_on_the_key_that_cannot_hold() -> None:
    shared = VALID.replace("pattern: linear2\n", "pattern: linear2\n    transpose_of: linear3\n")
    error = _one(shared)
    assert (error.path, error.line) == ("modules[1].transpose_of", 11)
    assert "'linear3' is not another decomposed module; decomposed: linear1" in error.message


def test_data_must_fit_the_target() -> None:
    text = VALID.replace(
        "  synthetic:\n    feature_probability: 0.05\n",
        "  tokens:\n    train: [a.npy]\n    seq_len: 8\n",
    )
    error = _one(text)
    assert error.path == "data.tokens"
    assert "synthetic" in error.message


LM = """\
method: vpd
target: {builtin: tiny_llama}
data:
  tokens: {train: [a.npy], seq_len: 64, tokenizer: t.json}
modules:
  - {pattern: h.*.mlp.c_fc, C: 8}
analysis:
  components: [h.0.mlp.c_fc:3]
"""


def test_analysis_ids_are_checked_against_the_modules() -> None:
    assert load_config_text(LM).config.analysis is not None
    out_of_range = _one(LM.replace("c_fc:3]", "c_fc:8]"))
    assert (out_of_range.path, out_of_range.line) == ("analysis.components[0]", 8)
    assert "C = 8" in out_of_range.message
    unknown = _one(LM.replace("[h.0.mlp.c_fc:3]", "[h.0.attn.q_proj:1]"))
    assert "not decomposed" in unknown.message
    bad_short = _one(LM.replace("[h.0.mlp.c_fc:3]", "[0.mlp.dwn:1]"))
    assert "role of a mlp block" in bad_short.message
    malformed = _one(LM.replace("[h.0.mlp.c_fc:3]", "['h 0:x']"))
    assert malformed.path == "analysis.components[0]"


def test_ci_transformer_must_cover_the_sequence() -> None:
    error = _one(LM + "ci_function: {max_len: 32}\n")
    assert (error.path, error.line) == ("ci_function.max_len", 9)


def test_error_text_is_one_line_per_problem() -> None:
    with pytest.raises(ConfigValidationError) as caught:
        load_config_text(VALID.replace("steps: 100", "steps: 0"), source="t.decomp.yaml")
    assert str(caught.value).splitlines() == [
        "t.decomp.yaml: 1 problem in the config",
        "t.decomp.yaml:13:10: training.steps: must be greater than or equal to 1, got 0",
    ]
