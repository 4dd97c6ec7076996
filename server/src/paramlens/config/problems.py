"""Turn pydantic's validation errors into problems phrased for someone editing the file."""

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from paramlens.config.fields import Place, clean_location
from paramlens.config.presets import PRESETS
from paramlens.config.sections.base import KeyPath, KeyPathError

# Pydantic's wording for wrong types, in the file's terms (YAML has lists and mappings).
_TYPE_MESSAGES = {
    "model_type": "must be a mapping of keys",
    "model_attributes_type": "must be a mapping of keys",
    "dict_type": "must be a mapping of keys",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
}


# Top-level keys that presets and target-based defaults fill.
_FILLED_BY_DEFAULTS = {key for preset in PRESETS.values() for key in preset} | {"output_loss"}


@dataclass(frozen=True)
class Problem:
    """A problem at a key path; `at_key` when it concerns the key itself (unknown, missing)."""

    path: KeyPath
    message: str
    at_key: bool


def problems_from(error: ValidationError, data: object) -> list[Problem]:
    """One problem per pydantic error; `data` is the input after presets were applied."""
    details = error.errors()
    found = [_problem(d, data) for d in details if not _explained_elsewhere(d, details)]
    if not _has_known_method(data):
        # Without a method no preset applied, so every key it fills would be reported missing.
        found = [p for p in found if p.path[:1] == ("method",) or not _preset_missing(p)]
    return found


def _explained_elsewhere(details: ErrorDetails, everything: list[ErrorDetails]) -> bool:
    """A list whose items all failed is also reported too short; the item errors say why."""
    loc = details["loc"]
    return details["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in everything
    )


def _has_known_method(data: object) -> bool:
    return isinstance(data, Mapping) and data.get("method") in PRESETS


def _preset_missing(problem: Problem) -> bool:
    return problem.at_key and bool(problem.path) and problem.path[0] in _FILLED_BY_DEFAULTS


def _problem(details: ErrorDetails, data: object) -> Problem:
    path, parent = clean_location(details["loc"], data)
    kind = details["type"]
    context = details.get("ctx") or {}
    if kind == "extra_forbidden":
        return Problem(path, _unknown_key(str(path[-1]), parent), at_key=True)
    if kind == "missing":
        return Problem(path, _missing_key(str(path[-1]), parent), at_key=True)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        key = str(context.get("discriminator", "type")).strip("'")
        expected = context.get("expected_tags", "")
        if kind == "union_tag_not_found":
            return Problem((*path, key), f"missing key {key!r}: one of {expected}", at_key=True)
        return Problem(
            (*path, key),
            f"unknown {key} {context.get('tag')!r}; expected one of {expected}",
            at_key=False,
        )
    error = context.get("error")
    if isinstance(error, KeyPathError):
        return Problem((*path, *error.path), str(error), at_key=False)
    if isinstance(error, ValueError):
        return Problem(path, str(error), at_key=False)
    return Problem(path, _reworded(details), at_key=False)


def _unknown_key(key: str, parent: Place) -> str:
    allowed = list(parent.keys())
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}; allowed here: {', '.join(allowed)}"


def _missing_key(key: str, parent: Place) -> str:
    info = parent.keys().get(key)
    # The first sentence of the description says what the key is for.
    what = f" ({info.description.split('. ')[0].rstrip('.')})" if info and info.description else ""
    return f"missing required key {key!r}{what}"


def _reworded(details: ErrorDetails) -> str:
    template = _TYPE_MESSAGES.get(details["type"])
    if template is not None:
        message = template.format(**(details.get("ctx") or {}))
    else:
        message = details["msg"].replace("Input should be", "must be")
    value = details.get("input")
    if isinstance(value, (Mapping, list, tuple)):
        return message
    return f"{message}, got {value!r}"
