"""Append-only JSON-lines files (metrics.jsonl, events.jsonl): one JSON object per line."""

from pathlib import Path


def drop_torn_tail(path: Path) -> None:
    """Cut off a last line that a crash left without its newline, so that what is appended
    next starts a line of its own."""
    if not path.is_file():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with path.open("r+b") as f:
            f.truncate(data.rfind(b"\n") + 1)
