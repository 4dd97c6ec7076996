"""`GET /runs/{run_id}/events`: a run's events as server-sent events (docs/server.md).

The stream replays the run's event log after `Last-Event-ID` (from the start without one),
then follows it live. It ends once the run has no job and a final status and every event
was sent. A comment line goes out when nothing else has for a while, so that proxies keep
an idle stream open.
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, cast

from fastapi import APIRouter, Header, HTTPException, Path, Request, status
from fastapi.responses import StreamingResponse

from paramlens.serve.events import EventReader
from paramlens.serve.jobs.manager import JobManager, RunRecord
from paramlens.serve.run_paths import RUN_ID_PATTERN, UnknownRun

KEEPALIVE_S = 15.0
# A client that reconnects waits this long (ms) first; the server starts in seconds.
RETRY_MS = 2000

router = APIRouter()


async def _stream(jobs: JobManager, record: RunRecord, after: int) -> AsyncIterator[str]:
    reader = EventReader(record.events.log.path, after)
    yield f"retry: {RETRY_MS}\n\n"
    while True:
        changed = record.events.log.changed()  # taken first: nothing appended after is missed
        for event in reader.read_new():
            yield event.to_sse()
        if jobs.stream_ended(record, reader.after):
            return
        try:
            await asyncio.wait_for(changed.wait(), KEEPALIVE_S)
        except asyncio.TimeoutError:
            yield ": keep-alive\n\n"


@router.get(
    "/{run_id}/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Server-sent events: `state`, `metrics`, `log` and `job`.",
        },
        404: {"description": "No such run."},
    },
)
async def run_events(
    request: Request,
    run_id: Annotated[str, Path(pattern=RUN_ID_PATTERN)],
    last_event_id: Annotated[
        int | None,
        Header(alias="Last-Event-ID", ge=0, description="Send only the events after this ID."),
    ] = None,
) -> StreamingResponse:
    jobs = cast(JobManager, request.app.state.jobs)
    try:
        record = jobs.record(run_id)
    except (UnknownRun, FileNotFoundError) as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run {run_id!r}") from error
    return StreamingResponse(
        _stream(jobs, record, last_event_id or 0),
        media_type="text/event-stream",
        # No caching, and no buffering in nginx-like proxies, which would hold events back.
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
