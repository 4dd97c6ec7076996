"""Run IDs as the API accepts them, and their directories, always inside the runs root."""

import re
from pathlib import Path

from paramlens.runs.layout import RUN_FILE, config_stem, new_run_id

# A single path component: no separators, no leading dot (so never `.` or `..`), bounded.
RUN_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
_RUN_ID = re.compile(RUN_ID_PATTERN)
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9._-]+")


class UnknownRun(Exception):
    """No run directory with this ID under the runs root."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"no run {run_id!r}")
        self.run_id = run_id


def is_run_id(text: str) -> bool:
    return _RUN_ID.fullmatch(text) is not None


def new_api_run_id(config_path: Path) -> str:
    """A fresh run ID from the config's name, as `paramlens decompose` makes them
    (`<stem>-<UTC yyyymmdd-HHMMSS>-<4 hex>`), with characters an ID may not hold replaced."""
    stem = _NOT_ALLOWED.sub("-", config_stem(config_path)).strip("-.")[:64]
    if not stem[:1].isalnum():
        stem = f"run{stem}"
    return new_run_id(Path(f"{stem}.yaml"))


def run_dir_in(runs_root: Path, run_id: str) -> Path:
    """The directory of `run_id` directly under `runs_root` (which must be resolved).

    Raises UnknownRun for an ID outside the pattern, a directory that does not exist or has
    no run.json, or one that resolves elsewhere (a symbolic link out of the root).
    """
    if not is_run_id(run_id):
        raise UnknownRun(run_id)
    run_dir = (runs_root / run_id).resolve()
    if run_dir.parent != runs_root or not (run_dir / RUN_FILE).is_file():
        raise UnknownRun(run_id)
    return run_dir


def run_ids_in(runs_root: Path) -> list[str]:
    """IDs of every run directory under `runs_root`, sorted."""
    if not runs_root.is_dir():
        return []
    found = []
    for entry in runs_root.iterdir():
        if is_run_id(entry.name):
            try:
                run_dir_in(runs_root, entry.name)
            except UnknownRun:
                continue
            found.append(entry.name)
    return sorted(found)
