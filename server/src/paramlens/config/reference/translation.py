"""The translation of a reference config under construction, and what was found on the way."""

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from paramlens.config.errors import format_path
from paramlens.config.sections.base import KeyPath

Finding = tuple[KeyPath, str]


@dataclass
class Translation:
    """A native config built from a reference one, with each value's origin in the file.

    `errors` block the config (a key that cannot be honoured, an unknown key); `warnings`
    leave it valid but block running it (something to fetch that must be local); `ignored`
    lists logging-only keys, reported together in one note.
    """

    data: dict[str, object] = field(default_factory=dict)
    origins: dict[KeyPath, KeyPath] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    n_layers: int | None = None

    def put(self, native: KeyPath, value: object, origin: KeyPath | None = None) -> None:
        """Set the native key at `native` (creating sections on the way), from `origin`."""
        node = self.data
        for part in native[:-1]:
            child = node.setdefault(str(part), {})
            if not isinstance(child, dict):
                raise TypeError(f"{format_path(native)} lies under a value that is not a section")
            node = child
        node[str(native[-1])] = value
        if origin is not None:
            self.trace(native, origin)

    def trace(self, native: KeyPath, origin: KeyPath) -> None:
        self.origins[native] = origin

    def origin_of(self, native: KeyPath) -> KeyPath | None:
        """The reference key a native key came from: its own, or its nearest traced ancestor's."""
        for end in range(len(native), 0, -1):
            origin = self.origins.get(native[:end])
            if origin is not None:
                return origin
        return None

    def error(self, origin: KeyPath, message: str) -> None:
        self.errors.append((origin, message))

    def warn(self, origin: KeyPath, message: str) -> None:
        self.warnings.append((origin, message))

    def ignore(self, origin: KeyPath) -> None:
        self.ignored.append(format_path(origin))

    def mapping(self, value: object, origin: KeyPath) -> Mapping[str, object] | None:
        """`value` if it is a mapping, else None after recording the error."""
        if isinstance(value, Mapping):
            return value
        self.error(origin, f"must be a mapping of keys, got {value!r}")
        return None

    def check_keys(self, node: Mapping[str, object], origin: KeyPath, known: Iterable[str]) -> None:
        """Record every key of `node` outside `known` as unknown, with the likeliest meant."""
        allowed = list(known)
        for key in node:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.error((*origin, key), f"unknown key {key!r} in the reference format{hint}")

    def refuse(
        self, node: Mapping[str, object], origin: KeyPath, key: str, allowed: object, reason: str
    ) -> None:
        """Record an error when `key` is present with a value other than `allowed`."""
        if key in node and node[key] != allowed:
            self.error((*origin, key), f"{node[key]!r} is not supported: {reason}")
