"""metrics.jsonl: one line per step, appended, never rewritten."""

from pathlib import Path

from paramlens.runs import MetricsLog, read_metrics


def test_lines_are_flushed_as_they_are_appended(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    with MetricsLog(path) as log:
        log.append({"step": 1, "loss": {"total": 0.5}})
        assert read_metrics(path) == [{"step": 1, "loss": {"total": 0.5}}]


def test_a_step_already_logged_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    with MetricsLog(path) as log:
        log.append({"step": 1, "x": 1.0})
        log.append({"step": 2, "x": 2.0})
    with MetricsLog(path) as log:
        assert not log.append({"step": 2, "x": 2.0})
        assert log.append({"step": 3, "x": 3.0})

    assert [r["step"] for r in read_metrics(path)] == [1, 2, 3]


def test_a_line_torn_by_a_crash_is_cut_before_appending(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    path.write_text('{"step": 1}\n{"step": 2, "x": ')

    assert read_metrics(path) == [{"step": 1}]
    with MetricsLog(path) as log:
        log.append({"step": 2, "x": 2.0})

    assert path.read_text() == '{"step": 1}\n{"step": 2, "x": 2.0}\n'


def test_non_finite_numbers_are_written_as_null(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    with MetricsLog(path) as log:
        log.append({"step": 1, "loss": {"total": float("nan")}})

    assert path.read_text() == '{"step": 1, "loss": {"total": null}}\n'
