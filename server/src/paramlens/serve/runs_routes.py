"""`/runs`: create, list, inspect, cancel, resume and delete decomposition runs.

The job manager lives for as long as the app (this router's lifespan) and is reached
through `app.state.jobs`.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path as FilePath
from typing import Annotated, cast

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Request, Response, status
from pydantic import ValidationError

from paramlens.runs.layout import RunPaths
from paramlens.serve import events_routes
from paramlens.serve.config_request import require_runnable
from paramlens.serve.jobs.kinds import ANALYSIS_KINDS, JOB_KINDS
from paramlens.serve.jobs.manager import Job, JobManager, RunRecord
from paramlens.serve.jobs.models import (
    CreateRunRequest,
    JobInfo,
    RunInfo,
    RunList,
    StartJobRequest,
)
from paramlens.serve.jobs.settings import JobSettings
from paramlens.serve.models import ConfigRequest, ErrorResponse
from paramlens.serve.run_paths import RUN_ID_PATTERN, UnknownRun


@asynccontextmanager
async def _job_manager_lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: JobSettings = app.state.job_settings
    manager = JobManager(app.state.runs_root, settings)
    app.state.jobs = manager
    await manager.start()
    try:
        yield
    finally:
        await manager.stop()


router = APIRouter(prefix="/runs", tags=["runs"], lifespan=_job_manager_lifespan)


def _manager(request: Request) -> JobManager:
    return cast(JobManager, request.app.state.jobs)


Manager = Annotated[JobManager, Depends(_manager)]
RunId = Annotated[str, Path(pattern=RUN_ID_PATTERN, description="The run directory's name.")]


def find_run(jobs: JobManager, run_id: str) -> RunRecord:
    """The run, or a 404 (also for a run directory that cannot be read)."""
    try:
        return jobs.record(run_id)
    except (UnknownRun, FileNotFoundError) as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run {run_id!r}") from error
    except (OSError, ValueError) as error:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"run {run_id!r} is unreadable: {error}"
        ) from error


def job_info(job: Job) -> JobInfo:
    return JobInfo(
        id=job.id,
        kind=job.kind.name,
        state=job.state,
        device=job.device,
        pid=None if job.process is None else job.process.pid,
        queued_at=job.queued_at,
        started_at=job.started_at,
    )


def _files(record: RunRecord) -> list[str]:
    """The run directory's files now: analysis jobs add files without rewriting run.json."""
    try:
        return RunPaths(record.run_dir).files()
    except OSError:  # deleted meanwhile
        return list(record.events.manifest.files)


def run_info(record: RunRecord) -> RunInfo:
    manifest = record.events.manifest
    jobs = [job_info(job) for job in record.jobs]
    return RunInfo(
        run_id=record.run_id,
        status=manifest.status,
        step=manifest.step,
        total_steps=manifest.total_steps,
        created=manifest.created,
        updated=manifest.updated,
        device=manifest.device,
        config_file=manifest.config_file,
        error=manifest.error,
        summary=manifest.summary,
        modules=list(manifest.modules),
        files=_files(record),
        jobs=jobs,
        job=jobs[0] if jobs else None,
        trained_elsewhere=record.watched,
        last_event_id=record.events.log.count,
    )


def _current(jobs: JobManager, record: RunRecord) -> RunInfo:
    jobs.refresh(record)
    return run_info(record)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=RunInfo,
    responses={422: {"model": ErrorResponse, "description": "The config cannot run."}},
)
async def create_run(body: CreateRunRequest, jobs: Manager) -> RunInfo:
    """Create a run directory from the config and queue it to train on the config's device."""
    config_path = FilePath(body.config_path)
    if not config_path.is_absolute():
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            f"config_path must be an absolute path, got {body.config_path!r}",
        )
    config = ConfigRequest(text=body.config, path=body.config_path)
    loaded = await asyncio.to_thread(require_runnable, config)
    record = await jobs.create(config_path, loaded, body.config, body.device)
    return run_info(record)


@router.get("")
async def list_runs(jobs: Manager) -> RunList:
    records = jobs.list_runs()
    runs = [run_info(record) for record in records]
    return RunList(runs=sorted(runs, key=lambda run: (run.created, run.run_id), reverse=True))


@router.get("/{run_id}", responses={404: {"description": "No such run."}})
async def get_run(run_id: RunId, jobs: Manager) -> RunInfo:
    return _current(jobs, find_run(jobs, run_id))


@router.post(
    "/{run_id}/cancel",
    responses={404: {"description": "No such run."}, 409: {"description": "Nothing to cancel."}},
)
async def cancel_run(run_id: RunId, jobs: Manager) -> RunInfo:
    """Cancel the run's jobs. A running decomposition stops after its current step, writes a
    checkpoint and becomes `cancelled`; the answer comes once every job has stopped (or after
    2 s, with a job still `stopping`)."""
    record = find_run(jobs, run_id)
    await jobs.cancel(record)
    return _current(jobs, record)


@router.post(
    "/{run_id}/resume",
    status_code=status.HTTP_202_ACCEPTED,
    responses={404: {"description": "No such run."}, 409: {"description": "Cannot resume."}},
)
async def resume_run(run_id: RunId, jobs: Manager) -> RunInfo:
    """Queue an interrupted, cancelled or failed run to continue from its last checkpoint."""
    record = find_run(jobs, run_id)
    jobs.resume(record)
    return _current(jobs, record)


@router.post(
    "/{run_id}/jobs",
    status_code=status.HTTP_202_ACCEPTED,
    responses={404: {"description": "No such run."}, 409: {"description": "Cannot start."}},
)
async def start_job(run_id: RunId, body: StartJobRequest, jobs: Manager) -> RunInfo:
    """Queue an analysis command (harvest, export-onnx, graph, optimize-circuit) on a finished
    run; it runs in a worker process on the run's device, and its output arrives as `log`
    events. 409 while a job of the run writes a file it would write."""
    if body.kind not in ANALYSIS_KINDS:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            f"unknown job kind {body.kind!r}; expected one of {', '.join(ANALYSIS_KINDS)}",
        )
    kind = JOB_KINDS[body.kind]
    try:
        params = kind.params.model_validate(body.params)
    except ValidationError as error:
        problems = "; ".join(
            f"params.{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, problems) from None
    record = find_run(jobs, run_id)
    jobs.start_job(record, kind, params)
    return _current(jobs, record)


@router.delete(
    "/{run_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "No such run."}, 409: {"description": "A job is active."}},
)
async def delete_run(run_id: RunId, jobs: Manager) -> Response:
    """Delete the run directory and everything in it; refused while a job works on it."""
    record = find_run(jobs, run_id)
    await jobs.delete(record)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


router.include_router(events_routes.router)
