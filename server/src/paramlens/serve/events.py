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
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field

from paramlens.runs.atomic import json_safe
from paramlens.runs.jsonl import drop_torn_tail
from paramlens.runs.manifest import Status, utc_now
from paramlens.runs.metrics_log import MetricsLine

EVENTS_FILE = "events.jsonl"

EventType = Literal["state", "metrics", "log", "job"]


# What each kind of event carries (`data`). These models are the one description of the
# stream: the server writes events through them, and the editor's types are generated from
# them (protocol/serverApi.generated.ts, via the OpenAPI document).


class StateEvent(BaseModel):
    """`state`: run.json's status changed."""

    event: ClassVar[EventType] = "state"
    status: Status
    step: int
    total_steps: int
    error: str | None = Field(description="Why the run stopped, failed or was interrupted.")


class MetricsEvent(BaseModel):
    """`metrics`: a new line of metrics.jsonl, with the run's progress."""

    event: ClassVar[EventType] = "metrics"
    step: int
    total_steps: int
    eta_s: float | None = Field(description="Seconds to the last step at the current speed.")
    metrics: MetricsLine


class LogEvent(BaseModel):
    """`log`: a line a job's worker printed."""

    event: ClassVar[EventType] = "log"
    line: str
    job: int = Field(description="The ID of the job's `queued` event.")


class JobEvent(BaseModel):
    """`job`: a job was queued (its ID is this event's), started or ended."""

    event: ClassVar[EventType] = "job"
    kind: str = Field(description="decompose, harvest, graph, optimize-circuit or export-onnx.")
    state: Literal["queued", "started", "ended"]
    job: int | None = Field(default=None, description="The job's ID; absent when queued.")
    device: str | None = Field(default=None, description="queued: the device queue it waits in.")
    params: dict[str, Any] | None = Field(default=None, description="queued: its parameters.")
    pid: int | None = Field(default=None, description="started: the worker's process ID.")
    exit_code: int | None = Field(
        default=None, description="ended: the worker's exit status (negative: a signal)."
    )
    exit: str | None = Field(default=None, description="ended: the exit status in words.")
    cancelled: bool | None = Field(default=None, description="ended: it was cancelled.")


EventData = StateEvent | MetricsEvent | LogEvent | JobEvent


class _Stored(BaseModel):
    id: int = Field(description="Line number in events.jsonl, from 1; the SSE event ID.")
    time: str


class StoredStateEvent(_Stored):
    event: Literal["state"]
    data: StateEvent


class StoredMetricsEvent(_Stored):
    event: Literal["metrics"]
    data: MetricsEvent


class StoredLogEvent(_Stored):
    event: Literal["log"]
    data: LogEvent


class StoredJobEvent(_Stored):
    event: Literal["job"]
    data: JobEvent


# One line of events.jsonl; over SSE, `id`, `event` and `data` are the message's fields.
RunEvent = Annotated[
    StoredStateEvent | StoredMetricsEvent | StoredLogEvent | StoredJobEvent,
    Field(discriminator="event"),
]


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

    def append(self, data: EventData) -> Event:
        event = data.event
        # Fields a job event leaves unset are absent, not null.
        fields = data.model_dump(mode="json", exclude_unset=isinstance(data, JobEvent))
        record = Event(self.count + 1, utc_now(), event, json_safe(fields))
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
