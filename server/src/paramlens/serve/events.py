"""A run's event history: `events.jsonl` in its run directory, appended to by the server.

Event IDs are line numbers (from 1), so they survive server restarts: a client that
reconnects with the last ID it saw gets exactly the events after it (docs/formats.md).
Only the server writes the file, one whole line per write; a line torn by a crash is cut
off when the file is next opened for writing, before its ID is ever handed out.
"""

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from paramlens.runs.atomic import json_safe
from paramlens.runs.jsonl import drop_torn_tail
from paramlens.runs.manifest import utc_now

EVENTS_FILE = "events.jsonl"

# state: run.json's status changed; metrics: a new metrics.jsonl line; log: a line the job
# printed; job: a job was queued, started or ended.
EventType = Literal["state", "metrics", "log", "job"]


@dataclass(frozen=True)
class Event:
    id: int
    time: str
    event: EventType
    data: dict[str, Any]

    def to_sse(self) -> str:
        """The event as one server-sent-events message."""
        return f"id: {self.id}\nevent: {self.event}\ndata: {json.dumps(self.data)}\n\n"

    @classmethod
    def from_json(cls, line: str) -> "Event":
        record = json.loads(line)
        return cls(int(record["id"]), record["time"], record["event"], record["data"])


class EventLog:
    """Appends events to one run's events.jsonl and wakes whoever waits for new ones."""

    def __init__(self, path: Path) -> None:
        self.path = path
        drop_torn_tail(path)
        self.count = 0
        self.last: dict[str, dict[str, Any]] = {}  # the latest data of each event type
        for event in EventReader(path).read_new():
            self.count = event.id
            self.last[event.event] = event.data
        self._changed = asyncio.Event()

    def append(self, event: EventType, data: dict[str, Any]) -> Event:
        record = Event(self.count + 1, utc_now(), event, json_safe(data))
        line = json.dumps(
            {"id": record.id, "time": record.time, "event": event, "data": record.data},
            allow_nan=False,
        )
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")
        self.count = record.id
        self.last[event] = record.data
        self.wake()
        return record

    def changed(self) -> asyncio.Event:
        """Set at the next append (or `wake`); take it before reading, so that nothing
        appended in between is missed."""
        return self._changed

    def wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()


class EventReader:
    """Reads the complete lines of an events file as they are appended."""

    def __init__(self, path: Path, after: int = 0) -> None:
        self.path = path
        self.after = after
        self.offset = 0

    def read_new(self) -> list[Event]:
        """Events with an ID above `after` appended since the last call, in order."""
        try:
            with self.path.open("rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return []
        complete = data[: data.rfind(b"\n") + 1]
        self.offset += len(complete)
        events = [Event.from_json(line) for line in complete.decode("utf-8").split("\n") if line]
        fresh = [event for event in events if event.id > self.after]
        if fresh:
            self.after = fresh[-1].id
        return fresh
