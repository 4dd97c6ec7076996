"""Configs sent in request bodies: load them, and turn their problems into wire objects."""

import re
from collections.abc import Iterable
from pathlib import Path

from paramlens.config import ConfigError, ConfigValidationError, LoadedConfig, load_config_text
from paramlens.serve.errors import ConfigRejected
from paramlens.serve.models import ConfigProblem, ConfigRequest

# One part of a printed key path: `name` or `[index]` (config keys contain no '.' or '[').
_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_TOP_LEVEL = "(top level)"


def key_path(printed: str) -> list[str | int]:
    """`modules[2].C` -> ["modules", 2, "C"]; the whole file (`(top level)`) -> []."""
    if printed == _TOP_LEVEL:
        return []
    return [int(index) if index else name for index, name in _PATH_PART.findall(printed)]


def problems(errors: Iterable[ConfigError]) -> list[ConfigProblem]:
    return [
        ConfigProblem(path=key_path(e.path), line=e.line, column=e.column, message=e.message)
        for e in errors
    ]


def load_request(request: ConfigRequest) -> LoadedConfig:
    """Load the config text; relative paths start at the folder of `request.path`.

    Raises ConfigValidationError listing every problem.
    """
    if request.path is None:
        return load_config_text(request.text)
    path = Path(request.path)
    return load_config_text(request.text, source=str(path), base_dir=path.parent)


def require_valid(request: ConfigRequest) -> LoadedConfig:
    """`load_request`, answering 422 `invalid_config` with every problem when it fails."""
    try:
        return load_request(request)
    except ConfigValidationError as error:
        raise ConfigRejected(problems(error.errors)) from None


def require_runnable(request: ConfigRequest) -> LoadedConfig:
    """`require_valid`, also answering 422 `invalid_config` when something the config names
    is missing (its warnings): a run must not start with any."""
    loaded = require_valid(request)
    try:
        loaded.check_runnable()
    except ConfigValidationError as error:
        raise ConfigRejected(problems(error.errors)) from None
    return loaded
