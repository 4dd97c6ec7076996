"""Finished runs kept loaded between requests, so that an intervention does not rebuild the model.

Loading a run (target, components, CI function, tokenizer) takes seconds; running a prompt
through it takes milliseconds. The few runs used most recently stay loaded, each keyed by its
weights file and that file's modification time: a run that trains on, or is trained again,
writes a new file and is loaded afresh.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from paramlens.core.loaded_run import LoadedRun, load_run, weights_file
from paramlens.runs.layout import RunPaths

DEFAULT_CAPACITY = 3


@dataclass
class _Entry:
    # One lock per run: it is held while the run loads and while a request uses its modules,
    # which are not made to be run from several threads at once.
    lock: threading.Lock = field(default_factory=threading.Lock)
    weights: tuple[Path, int] | None = None  # the weights file and its mtime (ns) when loaded
    run: LoadedRun | None = None


class LoadedRunCache:
    """The `capacity` runs used most recently, safe to use from several threads."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._entries: OrderedDict[Path, _Entry] = OrderedDict()
        self._lock = threading.Lock()  # guards `_entries`, never held while loading

    @contextmanager
    def use(self, run_dir: Path) -> Iterator[LoadedRun]:
        """The run in `run_dir`, loaded now unless its current weights are loaded already; no
        other thread uses it until the block ends. FileNotFoundError when the run has no
        weights yet; whatever loading raises otherwise."""
        run_dir = run_dir.resolve()
        entry = self._entry(run_dir)
        with entry.lock:
            path = weights_file(RunPaths(run_dir))
            weights = (path, path.stat().st_mtime_ns)
            if entry.run is None or entry.weights != weights:
                entry.run = None  # let the old model go before the new one loads
                entry.run = load_run(run_dir)
                entry.weights = weights
            yield entry.run

    def loaded(self) -> list[Path]:
        """Run directories held, least recently used first."""
        with self._lock:
            return [path for path, entry in self._entries.items() if entry.run is not None]

    def _entry(self, run_dir: Path) -> _Entry:
        with self._lock:
            entry = self._entries.pop(run_dir, None) or _Entry()
            self._entries[run_dir] = entry  # now the most recently used
            while len(self._entries) > self.capacity:
                # A request still using an evicted run keeps its own reference until it ends.
                self._entries.popitem(last=False)
            return entry
