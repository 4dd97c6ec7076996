"""The repository's example configs, run through the real `decompose` and `eval` commands."""

import json
from pathlib import Path
from typing import Any

import pytest

from paramlens.cli import main

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
BUNDLED_DATA = EXAMPLES / "data"


def decompose_and_evaluate(
    config: Path, run_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> dict[str, Any]:
    """Run `paramlens decompose CONFIG --out RUN_DIR --device cpu [extra]`, then return the
    object `paramlens eval RUN_DIR --json` prints."""
    assert main(["decompose", str(config), "--out", str(run_dir), "--device", "cpu", *extra]) == 0
    capsys.readouterr()
    assert main(["eval", str(run_dir), "--json"]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out.splitlines()[-1])
    return report


def metric_lines(run_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


def manifest(run_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((run_dir / "run.json").read_text())
    return loaded
