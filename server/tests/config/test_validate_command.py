import json
from pathlib import Path

import pytest

from paramlens.cli import main


def test_valid_file_prints_a_summary(
    examples_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(examples_dir / "tms_5-2.decomp.yaml")]) == 0
    out = capsys.readouterr().out
    assert "valid native config, method spd" in out
    assert "total C: 40 in 2 modules" in out


def test_reference_file_prints_notes_and_warnings(
    reference_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(reference_dir / "pile_llama_simple_mlp-4L.yaml")]) == 0
    out = capsys.readouterr().out
    assert "total C: 38,912 in 24 modules (9,728 per layer)" in out
    assert "note: Ignored" in out
    assert "pile_llama_simple_mlp-4L.yaml:143:17: tokenizer_name:" in out


def test_invalid_file_lists_every_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.decomp.yaml"
    path.write_text("method: spd\ntarget: {builtin: tms_5-2}\nseed: -1\nmodulez: []\n")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"{path}:3:7: seed: must be greater than or equal to 0, got -1" in err
    assert any(line.startswith(f"{path}:4:1: modulez: unknown key") for line in err)


def test_json_output(
    tmp_path: Path, reference_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--json", str(reference_dir / "pile_llama_simple_mlp-4L.yaml")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True and report["format"] == "reference"
    assert report["total_C"] == 38_912
    assert report["per_layer_C"] == {"0": 9728, "1": 9728, "2": 9728, "3": 9728}
    assert {w["path"] for w in report["warnings"]} >= {"tokenizer_name"}
    path = tmp_path / "bad.decomp.yaml"
    path.write_text("method: spd\nseed: x\n")
    assert main(["validate", "--json", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert {"path": "seed", "line": 2, "column": 7, "message": "must be an integer, got 'x'"} in (
        report["errors"]
    )
