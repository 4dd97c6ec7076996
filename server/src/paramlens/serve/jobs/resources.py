"""What a job writes in its run directory, and when two jobs may not run at once.

Each job declares the files it writes as resources; two jobs on one run conflict when a
resource of one overlaps a resource of the other. Reading needs no declaration: analysis
jobs only read what training writes, and training claims the whole run directory.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """A file of the run directory (a path relative to it), or with `prefix` every file whose
    path starts with `path`: `Resource("", prefix=True)` is the whole directory."""

    path: str
    prefix: bool = False

    def covers(self, path: str) -> bool:
        return path.startswith(self.path) if self.prefix else path == self.path

    def overlaps(self, other: "Resource") -> bool:
        return self.covers(other.path) or other.covers(self.path)

    def __str__(self) -> str:
        if not self.prefix:
            return self.path
        return f"{self.path}*" if self.path else "the whole run directory"


def first_overlap(ours: Iterable[Resource], theirs: Iterable[Resource]) -> Resource | None:
    """A resource of `theirs` that one of `ours` overlaps, or None when the two sets of
    writes can go on at the same time."""
    theirs = tuple(theirs)
    for mine in ours:
        for other in theirs:
            if mine.overlaps(other):
                return other
    return None
