"""`paramlens decompose` and `paramlens eval`, run in-process."""

import json
from pathlib import Path

import pytest

from paramlens.cli import main
from paramlens.evaluate import MASK_KINDS
from paramlens.runs import read_manifest
from paramlens.train import run as train_run

from .conftest import SPD_SMALL, write_config

BAD_CONFIG = """\
method: spd
target:
  builtin: tms_5-2
data:
  synthetic:
    feature_probability: 0.05
modules:
  - pattern: linear1
    C: 0
training:
  lr: -1
"""


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a run directory is created (which precedes any loading or training)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("work started for a config that cannot run")

    monkeypatch.setattr(train_run, "create_run", refuse)


def test_a_bad_config_fails_before_any_work_with_every_error_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_work: None
) -> None:
    path = tmp_path / "bad.decomp.yaml"
    path.write_text(BAD_CONFIG)

    assert main(["decompose", str(path)]) == 2

    errors = capsys.readouterr().err.splitlines()
    assert f"{path}:9:8: modules[0].C: must be greater than or equal to 1, got 0" in errors
    assert any(line.startswith(f"{path}:11:7: training.lr: ") for line in errors)
    assert not (tmp_path / "runs").exists()


def test_a_config_whose_files_are_missing_fails_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_work: None
) -> None:
    path = tmp_path / "lm.decomp.yaml"
    path.write_text(
        "method: vpd\n"
        "target:\n  builtin: tiny_llama\n"
        "data:\n  text:\n    train: [missing/*.txt]\n    tokenizer: missing.json\n    seq_len: 16\n"
        "modules:\n  - pattern: h.*.mlp.c_fc\n    C: 8\n"
        "ci_function:\n  type: global_transformer\n  d_model: 16\n  n_blocks: 1\n"
        "  n_heads: 2\n  d_ff: 32\n  max_len: 16\n"
    )

    assert main(["decompose", str(path)]) == 2

    err = capsys.readouterr().err
    assert f"{path}:6:13: data.text.train[0]: no file matches 'missing/*.txt'" in err
    assert f"{path}:7:16: data.text.tokenizer: " in err
    assert not (tmp_path / "runs").exists()


def test_decompose_then_eval_json(
    tmp_path: Path, quick_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, SPD_SMALL)
    run_dir = tmp_path / "out"

    assert main(["decompose", str(path), "--out", str(run_dir), "--steps", "20"]) == 0
    assert capsys.readouterr().out.strip() == str(run_dir)
    manifest = read_manifest(run_dir)
    assert (manifest.status, manifest.step, manifest.total_steps) == ("done", 20, 20)
    assert manifest.config["training"]["steps"] == 20

    assert main(["eval", str(run_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["run_id"], report["step"], report["weights"]) == (
        "out",
        20,
        "components.safetensors",
    )
    expected = {f"mse_{kind}" for kind in MASK_KINDS} | {
        "pgd_mse",
        "l0",
        "l0_total",
        "alive",
        "alive_total",
        "mmcs",
        "mmcs_alive",
        "mmcs_per_module",
        "alive_per_feature",
        "important_per_feature",
        "dedicated_features",
        "n_features",
    }
    assert set(report) - {"run_id", "step", "weights"} == expected
    assert [len(counts) for counts in report["alive_per_feature"].values()] == [5, 5]
    assert [len(counts) for counts in report["important_per_feature"].values()] == [5, 5]
    # The final in-run evaluation and a later one of the saved weights agree exactly.
    final_line = json.loads((run_dir / "metrics.jsonl").read_text().splitlines()[-1])
    assert final_line["eval"] == {k: v for k, v in report.items() if k in expected}


def test_resume_refuses_a_finished_run_and_bad_flag_combinations(
    tmp_path: Path, quick_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, SPD_SMALL)
    run_dir = tmp_path / "out"
    assert main(["decompose", str(path), "--out", str(run_dir), "--steps", "2"]) == 0

    assert main(["decompose", "--resume", str(run_dir)]) == 2
    assert "has status 'done'" in capsys.readouterr().err
    assert main(["decompose", "--resume", str(run_dir), "--steps", "5"]) == 2
    assert main(["decompose"]) == 2
    assert main(["decompose", str(path), "--out", str(run_dir)]) == 2
    assert "already exists" in capsys.readouterr().err
