"""The runs under the runs root, and the jobs that work on them, queued per device.

Everything here runs on the server's event loop, so no locks are needed. Each run has an
event log (`RunEvents`); each job a worker process (`WorkerProcess`). A run may have several
jobs at once when the files they write do not overlap (`JobKind.writes`). When the server starts
it rediscovers every run: a run marked `running` whose process is gone becomes `interrupted`,
one that some process still trains is followed until it ends, and a queued run is queued again.
"""

import asyncio
import contextlib
import dataclasses
import logging
import shutil
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from paramlens.config import LoadedConfig
from paramlens.runs.layout import RunPaths
from paramlens.runs.manifest import (
    RESUMABLE,
    Manifest,
    Status,
    read_manifest,
    utc_now,
    write_manifest,
)
from paramlens.runs.run_lock import is_run_locked
from paramlens.serve.errors import JobConflict
from paramlens.serve.events import JobEvent, LogEvent
from paramlens.serve.jobs.kinds import DECOMPOSE, JobKind, NoParams, device_slot
from paramlens.serve.jobs.resources import Resource, first_overlap
from paramlens.serve.jobs.run_events import RunEvents
from paramlens.serve.jobs.settings import JobSettings
from paramlens.serve.jobs.worker_process import WorkerProcess, describe_exit
from paramlens.serve.run_paths import UnknownRun, new_api_run_id, run_dir_in, run_ids_in
from paramlens.train.run import create_run

logger = logging.getLogger(__name__)

POLL_S = 0.25  # how often a running job's run directory is turned into events
WATCH_S = 1.0  # how often a run trained by another process is checked
CANCEL_WAIT_S = 2.0  # how long a cancel request waits for the job to stop
SHUTDOWN_GRACE_S = 10.0  # how long workers get to checkpoint when the server stops

JobState = Literal["queued", "running", "stopping"]

_CANCELLED_BEFORE_START = "cancelled before it started"


@dataclass(eq=False)
class Job:
    id: int  # the ID of its `queued` event in the run's event log
    kind: JobKind
    run: "RunRecord"
    device: str  # the queue it waits in: `cpu` or `cuda:N`
    params: BaseModel
    writes: frozenset[Resource]
    queued_at: str
    state: JobState = "queued"
    started_at: str | None = None
    process: WorkerProcess | None = None
    cancel_requested: bool = False
    killed: bool = False
    finished: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(eq=False)
class RunRecord:
    run_id: str
    run_dir: Path
    events: RunEvents
    jobs: list[Job] = field(default_factory=list)  # queued or running, oldest first
    watched: bool = False  # another process trains it; followed until its lock is free
    deleted: bool = False

    @property
    def busy(self) -> bool:
        return bool(self.jobs) or self.watched


class JobManager:
    def __init__(self, runs_root: Path, settings: JobSettings) -> None:
        self.runs_root = runs_root
        self.settings = settings
        self.records: dict[str, RunRecord] = {}
        self.pending: list[Job] = []
        self.running: dict[str, int] = {}  # device -> jobs running on it
        self.closing = False
        self._tasks: set[asyncio.Task[None]] = set()

    # -- runs ------------------------------------------------------------------------------

    async def start(self) -> None:
        self.runs_root.mkdir(parents=True, exist_ok=True)
        self.list_runs()

    def list_runs(self) -> list[RunRecord]:
        found = []
        for run_id in run_ids_in(self.runs_root):
            try:
                found.append(self.record(run_id))
            except (UnknownRun, OSError, ValueError) as error:
                logger.warning("skipping run %s: %s", run_id, error)
        return found

    def record(self, run_id: str) -> RunRecord:
        """The run `run_id`, rediscovered from its directory on first use; UnknownRun if none."""
        known = self.records.get(run_id)
        if known is not None and (known.busy or known.run_dir.is_dir()):
            return known
        self.records.pop(run_id, None)
        run_dir = run_dir_in(self.runs_root, run_id)
        record = RunRecord(run_id, run_dir, RunEvents(run_dir))
        self.records[run_id] = record
        self._recover(record)
        return record

    async def create(
        self, config_path: Path, loaded: LoadedConfig, config_text: str, device: str | None
    ) -> RunRecord:
        """A new run directory under the runs root, queued to train."""
        run_dir = self.runs_root / new_api_run_id(config_path)
        await asyncio.to_thread(create_run, config_path, loaded, run_dir, None, device, config_text)
        return self.record(run_dir.name)

    def resume(self, record: RunRecord) -> None:
        self._require_free(record, DECOMPOSE, NoParams())
        status = self.refresh(record).status
        if status not in RESUMABLE:
            allowed = ", ".join(sorted(RESUMABLE))
            raise JobConflict(
                f"run {record.run_id} has status {status!r}; only {allowed} runs resume"
            )
        self._enqueue(record, DECOMPOSE, NoParams())

    def start_job(self, record: RunRecord, kind: JobKind, params: BaseModel) -> None:
        """Queue a job of `kind` (an analysis command) on the run."""
        self._require_free(record, kind, params)
        status = self.refresh(record).status
        if status not in kind.starts_from:
            allowed = ", ".join(sorted(kind.starts_from))
            raise JobConflict(
                f"run {record.run_id} has status {status!r}; {kind.name} needs a {allowed} run"
            )
        self._enqueue(record, kind, params)

    async def cancel(self, record: RunRecord) -> None:
        """Stop the run's jobs: queued ones at once; a running one gets SIGTERM (training
        checkpoints and records `cancelled`), then SIGKILL if it has not stopped after the
        grace period. Waits up to CANCEL_WAIT_S for them to stop."""
        if not record.jobs:
            raise JobConflict(f"run {record.run_id} has no queued or running job")
        stopping = [job for job in list(record.jobs) if not self._cancel_job(job)]
        # Past the wait a job is still checkpointing; the response shows it `stopping`.
        if stopping:
            waits = [asyncio.shield(job.finished.wait()) for job in stopping]
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.gather(*waits), CANCEL_WAIT_S)

    def _cancel_job(self, job: Job) -> bool:
        """Drop a queued job (True: it has ended) or ask a running one to stop (False)."""
        record = job.run
        if job in self.pending:
            self.pending.remove(job)
            manifest = self.refresh(record)
            if job.kind.trains and manifest.status == "queued":
                write_manifest(
                    record.run_dir,
                    dataclasses.replace(
                        manifest, status="cancelled", error=_CANCELLED_BEFORE_START
                    ),
                )
            ended = JobEvent(kind=job.kind.name, job=job.id, state="ended", cancelled=True)
            self._end_job(job, ended)
            return True
        if not job.cancel_requested:
            job.cancel_requested = True
            job.state = "stopping"
            if job.process is not None:
                job.process.terminate()
            self._spawn(self._kill_after_grace(job))
        return False

    async def delete(self, record: RunRecord) -> None:
        self._require_idle(record, "deleted")
        record.deleted = True
        self.records.pop(record.run_id, None)
        record.events.log.wake()  # ends its event streams
        await asyncio.to_thread(shutil.rmtree, record.run_dir)

    def stream_ended(self, record: RunRecord, last_id: int) -> bool:
        """Whether an event stream of `record` that has sent `last_id` has nothing more to
        wait for."""
        if record.deleted or self.closing:
            return True
        idle = not record.busy and record.events.manifest.status not in ("queued", "running")
        return idle and last_id >= record.events.log.count

    async def stop(self) -> None:
        """Stop every worker: a training one checkpoints and records `interrupted`, an
        analysis command gets SIGTERM; whatever has not ended after SHUTDOWN_GRACE_S is
        killed. Queued jobs are dropped (a queued run is queued again at the next start)."""
        self.closing = True
        for job in self.pending:
            job.run.jobs.remove(job)
        self.pending.clear()
        running = [job for record in self.records.values() for job in record.jobs]
        for job in running:
            if job.process is None:
                continue
            if job.kind.trains:
                job.process.close_stdin()
            else:
                job.process.terminate()
        waits = [job.finished.wait() for job in running]
        if waits:
            _, late = await asyncio.wait(
                [asyncio.ensure_future(w) for w in waits], timeout=SHUTDOWN_GRACE_S
            )
            for job in running:
                if not job.finished.is_set() and job.process is not None:
                    job.process.kill()
            if late:
                await asyncio.wait(late)
        for task in list(self._tasks):
            task.cancel()
        for record in self.records.values():
            record.events.log.wake()

    # -- jobs ------------------------------------------------------------------------------

    def _enqueue(self, record: RunRecord, kind: JobKind, params: BaseModel) -> None:
        device = device_slot(record.events.manifest.device)
        queued = JobEvent(kind=kind.name, state="queued", device=device)
        if kind.params is not NoParams:
            queued.params = params.model_dump(exclude_none=True)
        event = record.events.log.append(queued)
        job = Job(event.id, kind, record, device, params, kind.writes(params), utc_now())
        record.jobs.append(job)
        self.pending.append(job)
        self._dispatch()

    def _dispatch(self) -> None:
        if self.closing:
            return
        for job in list(self.pending):
            if self.running.get(job.device, 0) < self.settings.max_jobs(job.device):
                self.pending.remove(job)
                self.running[job.device] = self.running.get(job.device, 0) + 1
                job.state = "running"
                self._spawn(self._run(job))

    async def _run(self, job: Job) -> None:
        record = job.run
        log = record.events.log
        code: int | None = None
        try:
            argv = job.kind.argv(record.run_dir, job.params)

            def log_line(line: str) -> None:
                self.refresh(record)  # so that the line follows the events that preceded it
                log.append(LogEvent(line=line, job=job.id))

            job.process = await WorkerProcess.start(argv, log_line)
            job.started_at = utc_now()
            pid = job.process.pid
            log.append(JobEvent(kind=job.kind.name, job=job.id, state="started", pid=pid))
            if job.cancel_requested:
                job.process.terminate()
            waiting = asyncio.ensure_future(job.process.wait())
            while not waiting.done():
                self.refresh(record)
                await asyncio.wait({waiting}, timeout=POLL_S)
            code = waiting.result()
        except OSError as error:
            log.append(LogEvent(line=f"cannot start the worker: {error}", job=job.id))
        finally:
            if job.kind.trains:
                self._mend_after_exit(job, code)
            self.running[job.device] -= 1
            ended = JobEvent(kind=job.kind.name, job=job.id, state="ended", exit_code=code)
            if code is not None:
                ended.exit = describe_exit(code)
            if job.cancel_requested:
                ended.cancelled = True
            self._end_job(job, ended)
            self._dispatch()

    def _end_job(self, job: Job, ended: JobEvent) -> None:
        record = job.run
        self.refresh(record)
        record.jobs.remove(job)
        record.events.log.append(ended)
        job.finished.set()

    async def _kill_after_grace(self, job: Job) -> None:
        try:
            await asyncio.wait_for(job.finished.wait(), self.settings.cancel_grace_s)
        except asyncio.TimeoutError:
            if job.process is not None:
                job.killed = True
                job.process.kill()

    def _mend_after_exit(self, job: Job, code: int | None) -> None:
        """Record an end for a run whose worker ended without recording one."""
        run_dir = job.run.run_dir
        try:
            if is_run_locked(run_dir):
                return  # another process trains it now and records its own status
            manifest = read_manifest(run_dir)
            ending = self._ending(job, manifest.status, code)
            if ending is not None:
                status, error = ending
                write_manifest(run_dir, dataclasses.replace(manifest, status=status, error=error))
        except (OSError, ValueError) as error:
            logger.warning("cannot record the end of run %s: %s", job.run.run_id, error)

    def _ending(self, job: Job, status: Status, code: int | None) -> tuple[Status, str] | None:
        how = "could not be started" if code is None else describe_exit(code)
        if status == "running":
            resume = f"resumes from {self._resume_point(job.run)}"
            if job.cancel_requested:
                grace = self.settings.cancel_grace_s
                killed = f"killed {grace:g} s after SIGTERM; " if job.killed else ""
                return "cancelled", killed + resume
            if self.closing:
                return "interrupted", f"the server stopped; {resume}"
            return "interrupted", f"the worker process {how}; {resume}"
        if status == "queued" and job.cancel_requested:
            return "cancelled", _CANCELLED_BEFORE_START
        if status == "queued" and not self.closing:
            return "failed", f"the worker process {how} before the run started"
        return None  # it recorded its own end, or never left its stopped status

    @staticmethod
    def _resume_point(record: RunRecord) -> str:
        steps = RunPaths(record.run_dir).checkpoint_steps()
        return f"the checkpoint of step {steps[-1]}" if steps else "the start (no checkpoint yet)"

    # -- rediscovery -----------------------------------------------------------------------

    def _recover(self, record: RunRecord) -> None:
        manifest = self.refresh(record)
        if is_run_locked(record.run_dir):
            record.watched = True
            self._spawn(self._watch(record))
        elif manifest.status == "running":
            error = (
                "the process training it ended without recording an end; resumes from "
                f"{self._resume_point(record)}"
            )
            write_manifest(
                record.run_dir, dataclasses.replace(manifest, status="interrupted", error=error)
            )
            self.refresh(record)
        elif manifest.status == "queued" and not self.closing:
            self._enqueue(record, DECOMPOSE, NoParams())

    async def _watch(self, record: RunRecord) -> None:
        """Follow a run that another process trains (one a previous server started, or the
        CLI) until that process lets go of it."""
        try:
            while is_run_locked(record.run_dir):
                self.refresh(record)
                await asyncio.sleep(WATCH_S)
        finally:
            record.watched = False
        if not record.deleted and not self.closing:
            self._recover(record)

    def refresh(self, record: RunRecord) -> Manifest:
        """Bring the run's events up to date with its directory; its current manifest."""
        try:
            return record.events.sync()
        except (OSError, ValueError) as error:
            logger.warning("cannot read run %s: %s", record.run_id, error)
            return record.events.manifest

    def _require_idle(self, record: RunRecord, action: str) -> None:
        self._require_unwatched(record, action)
        if record.jobs:
            job = record.jobs[0]
            raise JobConflict(
                f"run {record.run_id} has a {job.state} {job.kind.name} job (job {job.id}); "
                f"cancel it before it can be {action}"
            )

    def _require_free(self, record: RunRecord, kind: JobKind, params: BaseModel) -> None:
        """Refuse a job of `kind` that would write what a queued or running job of the run
        writes."""
        action = "resumed" if kind.trains else f"given a {kind.name} job"
        self._require_unwatched(record, action)
        writes = kind.writes(params)
        for job in record.jobs:
            shared = first_overlap(writes, job.writes)
            if shared is not None:
                raise JobConflict(
                    f"run {record.run_id} has a {job.state} {job.kind.name} job (job {job.id}) "
                    f"that writes {shared}; it cannot be {action} until that job has ended "
                    "or been cancelled"
                )

    def _require_unwatched(self, record: RunRecord, action: str) -> None:
        if record.watched:
            raise JobConflict(
                f"run {record.run_id} is being trained by another process; it cannot be {action}"
            )

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
