"""`metrics.jsonl`: one JSON object per logged step, appended and flushed, never rewritten."""

import json
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import ConfigDict
from typing_extensions import Required, TypedDict

from paramlens.runs.atomic import json_safe
from paramlens.runs.jsonl import drop_torn_tail


class MetricsLine(TypedDict, total=False):
    """One line of metrics.jsonl (docs/formats.md): every line has `step`; a logged step adds
    the training values, an evaluated step adds `eval` (evaluate.metrics names its keys).
    A non-finite value is written as null."""

    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]

    step: Required[int]
    lr: float  # the learning rate this step used
    p: float  # the importance-minimality exponent this step used
    loss: dict[str, float | None]  # each loss term, unweighted, and `total`, weighted
    l0: dict[str, float | None]  # per module: mean over positions of #(CI > ci_alive_threshold)
    l0_total: float | None
    it_per_s: float  # steps per second since the previous logged line
    elapsed_s: float  # seconds of training so far, evaluations and checkpoints excluded
    eval: dict[str, Any]


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
