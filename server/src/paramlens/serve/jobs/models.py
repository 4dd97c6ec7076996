"""Wire types of the run and job endpoints (docs/server.md, "Runs, jobs and events")."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from paramlens.runs.manifest import ModuleRecord, Status
from paramlens.serve.models import MAX_CONFIG_CHARS, MAX_PATH_CHARS

DEVICE_PATTERN = r"^(auto|cpu|cuda(:[0-9]+)?)$"


class CreateRunRequest(BaseModel):
    """`POST /runs`: start a decomposition from a config."""

    model_config = ConfigDict(extra="forbid")

    config: str = Field(
        max_length=MAX_CONFIG_CHARS,
        description="The config's YAML text, as the editor has it (saved or not).",
    )
    config_path: str = Field(
        max_length=MAX_PATH_CHARS,
        description=(
            "Absolute path of the config file on the server's machine. Relative paths in the "
            "config (data, weights, tokenizer) resolve against its folder, and its name starts "
            "the run ID. The file itself is not read."
        ),
    )
    device: str | None = Field(
        default=None,
        pattern=DEVICE_PATTERN,
        description="auto, cpu, cuda or cuda:N in place of the config's training.device.",
    )


class StartJobRequest(BaseModel):
    """`POST /runs/{run_id}/jobs`: run an analysis command on a finished run."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="harvest, eval, export-onnx, graph or optimize-circuit.")
    params: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "The command's options, named as on its command line with underscores "
            '(e.g. {"batches": 4, "top_k": 10} for harvest).'
        ),
    )


class JobInfo(BaseModel):
    """A job queued or running on a run."""

    id: int = Field(
        description="The ID of its `queued` event in the run's event stream; its later "
        "`job` and `log` events carry it as `job`."
    )
    kind: str
    state: Literal["queued", "running", "stopping"]
    device: str = Field(description="The queue it waits in or runs on: cpu or cuda:N.")
    pid: int | None = Field(description="The worker process, once started.")
    queued_at: str
    started_at: str | None


class RunInfo(BaseModel):
    """A run directory as the server sees it (fields as in its run.json)."""

    run_id: str
    status: Status
    step: int
    total_steps: int
    created: str
    updated: str
    device: str
    config_file: str
    error: str | None
    summary: dict[str, Any]
    modules: list[ModuleRecord] = Field(
        description="The decomposed modules with their shapes and C, once training has started."
    )
    files: list[str] = Field(
        description="Every file in the run directory now, relative to it, sorted (temporary "
        "files left out); unlike run.json's list, it includes what analysis jobs wrote since."
    )
    jobs: list[JobInfo] = Field(
        description="Its queued and running jobs, oldest first: a decomposition runs alone; "
        "analysis jobs that write different files run side by side."
    )
    job: JobInfo | None = Field(description="The first of `jobs`, or null when it has none.")
    trained_elsewhere: bool = Field(
        description="Another process (e.g. `paramlens decompose`) trains this run right now."
    )
    last_event_id: int = Field(description="ID of the latest event in the run's event stream.")


class RunList(BaseModel):
    """`GET /runs`: every run under the runs root, newest first."""

    runs: list[RunInfo]
