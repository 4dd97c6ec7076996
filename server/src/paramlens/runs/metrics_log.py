"""`metrics.jsonl`: one JSON object per logged step, appended and flushed, never rewritten."""

import json
from pathlib import Path
from types import TracebackType
from typing import Any

from paramlens.runs.atomic import json_safe
from paramlens.runs.jsonl import drop_torn_tail


def read_metrics(path: Path) -> list[dict[str, Any]]:
    """Every complete line of a metrics file, in order; a torn last line is skipped."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").split("\n")
    records = []
    for line in lines[:-1]:  # whatever follows the last newline was never completed
        if line:
            records.append(json.loads(line))
    return records


class MetricsLog:
    """Appends metric lines to `path`, once per step.

    Steps already in the file are skipped, so a run resumed from a checkpoint older than its
    last logged line does not log those steps twice. A line torn by a crash mid-write (no
    final newline) is cut off before appending, so every line stays one JSON object.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.logged_steps = {int(record["step"]) for record in read_metrics(path)}
        drop_torn_tail(path)
        self._file = path.open("a", encoding="utf-8")

    def append(self, record: dict[str, Any]) -> bool:
        """Write `record` (which must hold an integer `step`) unless its step is already
        logged; return whether it was written. Non-finite floats are written as null."""
        step = int(record["step"])
        if step in self.logged_steps:
            return False
        self._file.write(json.dumps(json_safe(record), allow_nan=False) + "\n")
        self._file.flush()
        self.logged_steps.add(step)
        return True

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "MetricsLog":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
