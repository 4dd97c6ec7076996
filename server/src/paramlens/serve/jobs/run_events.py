"""Keep a run's event log in step with its run directory.

The worker writes run.json and metrics.jsonl; `sync` turns what is new in them into events:
a `metrics` event per new metric line, then a `state` event when the status changed. It can
be called at any time (while a worker runs, after it ended, when the server starts again)
and never sends an event twice, because it compares with the events already in the log.
"""

import json
from pathlib import Path

from paramlens.runs.layout import RunPaths
from paramlens.runs.manifest import Manifest, read_manifest
from paramlens.runs.metrics_log import MetricsLine
from paramlens.serve.events import EVENTS_FILE, EventLog, MetricsEvent, StateEvent


class RunEvents:
    def __init__(self, run_dir: Path) -> None:
        self.paths = RunPaths(run_dir)
        self.log = EventLog(run_dir / EVENTS_FILE)
        self.manifest = read_manifest(run_dir)
        self._manifest_stamp = self._stamp()
        self._metrics_offset = 0
        self._metrics_step = int(self.log.last.get("metrics", {}).get("step", 0))

    def sync(self) -> Manifest:
        """Log what changed since the last call; return the current manifest."""
        stamp = self._stamp()
        if stamp != self._manifest_stamp:
            self.manifest = read_manifest(self.paths.root)
            self._manifest_stamp = stamp
        self._log_new_metrics()
        state = self.log.last.get("state", {})
        if (state.get("status"), state.get("error")) != (self.manifest.status, self.manifest.error):
            manifest = self.manifest
            self.log.append(
                StateEvent(
                    status=manifest.status,
                    step=manifest.step,
                    total_steps=manifest.total_steps,
                    error=manifest.error,
                )
            )
        return self.manifest

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.paths.run_json.stat()
        except FileNotFoundError:
            return None
        # run.json is replaced by a rename, so a new inode means a new version.
        return (stat.st_ino, stat.st_mtime_ns)

    def _log_new_metrics(self) -> None:
        try:
            with self.paths.metrics.open("rb") as f:
                size = f.seek(0, 2)
                if size < self._metrics_offset:
                    self._metrics_offset = 0  # shortened (a torn line cut off): read it again
                f.seek(self._metrics_offset)
                data = f.read()
        except FileNotFoundError:
            return
        complete = data[: data.rfind(b"\n") + 1]
        self._metrics_offset += len(complete)
        for line in complete.decode("utf-8").split("\n"):
            if not line:
                continue
            record = json.loads(line)
            step = int(record["step"])
            if step > self._metrics_step:
                self.log.append(self._metrics_event(record, step))
                self._metrics_step = step

    def _metrics_event(self, record: MetricsLine, step: int) -> MetricsEvent:
        total = self.manifest.total_steps
        speed = record.get("it_per_s")
        eta = (total - step) / speed if isinstance(speed, (int, float)) and speed > 0 else None
        return MetricsEvent(step=step, total_steps=total, eta_s=eta, metrics=record)
