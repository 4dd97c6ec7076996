"""Problems found in a config file, each tied to a key path and a place in the file."""

from collections.abc import Sequence
from dataclasses import dataclass

from paramlens.config.sections.base import KeyPath


def format_path(path: KeyPath) -> str:
    """`("modules", 2, "C")` → `modules[2].C`; the empty path names the whole file."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


@dataclass(frozen=True)
class ConfigError:
    """One problem: the key it concerns, where that key is (1-based; None if unknown), and why."""

    path: str
    line: int | None
    column: int | None
    message: str

    def format(self, source: str) -> str:
        """`source:line:col: path: message`, the form editors and terminals link to."""
        where = source if self.line is None else f"{source}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}"


class ConfigValidationError(Exception):
    """A config file that cannot be used, with every problem found in it."""

    def __init__(self, source: str, errors: Sequence[ConfigError]) -> None:
        if not errors:
            raise ValueError("ConfigValidationError needs at least one error")
        self.source = source
        self.errors = tuple(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.errors)
        head = f"{self.source}: {count} problem{'s' if count > 1 else ''} in the config"
        return "\n".join([head, *(error.format(self.source) for error in self.errors)])
