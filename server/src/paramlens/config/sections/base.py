"""The base of every config model, and the error model validators raise at a nested key."""

from pydantic import BaseModel, ConfigDict

# A position in a parsed config: mapping keys and sequence indices, outermost first.
KeyPath = tuple[str | int, ...]


class Section(BaseModel):
    """Strict and immutable: unknown keys are errors, a loaded config never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class KeyPathError(ValueError):
    """A check that spans several keys failed; `path` (relative to the model raising it)
    names the key to blame, so the message lands on the right line of the file."""

    def __init__(self, path: KeyPath, message: str) -> None:
        super().__init__(message)
        self.path = path
