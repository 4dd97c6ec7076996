"""`paramlens train-target`, run in-process."""

import json
from pathlib import Path

import pytest

from paramlens.cli import main
from paramlens.commands.train_target import BUILTIN_NAMES
from paramlens.targets import BUILTINS


def test_names_offered_are_the_builtins() -> None:
    assert set(BUILTIN_NAMES) == set(BUILTINS)


def test_trains_and_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["train-target", "tms_40-10-id", "--out", str(tmp_path), "--seed", "2", "--steps", "20"]
    )

    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["directory"] == str(tmp_path)
    assert set(summary["metrics"]) == {"final_loss"}
    record = json.loads((tmp_path / "target.json").read_text())
    assert (record["seed"], record["recipe"]["steps"]) == (2, 20)
    assert (tmp_path / "model.safetensors").is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["tms_3-1"], "invalid choice: 'tms_3-1'"),
        (["tms_5-2", "--steps", "0"], "must be positive, got 0"),
        (["tms_5-2", "--seed", "-1"], "must be non-negative, got -1"),
    ],
)
def test_bad_arguments_are_rejected(
    capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train-target", *arguments])

    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
