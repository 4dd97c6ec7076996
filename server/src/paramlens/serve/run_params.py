"""Path parameters naming a run, shared by the routes that read run files."""

from pathlib import Path
from typing import Annotated

import fastapi
from fastapi import Request

from paramlens.serve.run_paths import RUN_ID_PATTERN, run_dir_in

# FastAPI answers 422 for an ID that does not match the pattern, before the route runs.
RunId = Annotated[
    str, fastapi.Path(pattern=RUN_ID_PATTERN, description="The run directory's name.")
]


def run_dir(request: Request, run_id: str) -> Path:
    """The run's directory inside the server's runs root; `UnknownRun` (404) otherwise."""
    runs_root: Path = request.app.state.runs_root
    return run_dir_in(runs_root, run_id)
