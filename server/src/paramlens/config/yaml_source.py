"""Parse YAML and remember where every key and value is, to point errors at lines.

PyYAML's composer keeps start marks on nodes; the plain loaders drop them. Parsing composes
the node tree once, records the marks by key path, then constructs the Python data from the
same tree.
"""

import re
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from paramlens.config.errors import ConfigError, ConfigValidationError, format_path
from paramlens.config.sections.base import KeyPath


@dataclass(frozen=True)
class Position:
    """1-based line and column in the file."""

    line: int
    column: int


@dataclass(frozen=True)
class YamlDocument:
    """The parsed data, and the position of each key (where it is named) and its value."""

    data: object
    keys: dict[KeyPath, Position] = field(default_factory=dict)
    values: dict[KeyPath, Position] = field(default_factory=dict)

    def position(self, path: KeyPath, *, of_key: bool = False) -> Position | None:
        """Where `path` is, or else its nearest ancestor that is in the file."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            found = self.keys.get(prefix) if of_key else None
            found = found or self.values.get(prefix)
            if found is not None:
                return found
        return None


class _Loader(yaml.SafeLoader):
    """SafeLoader reading `1e-3` as a float, like YAML 1.2 and the editor's YAML parser do."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$""",
    ),
    list("-+0123456789"),
)


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document; raise ConfigValidationError on a syntax error or duplicate key."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, e.g. U+001F
        raise ConfigValidationError(source, [_unreadable(text, error)]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(data=None)
        keys: dict[KeyPath, Position] = {}
        values: dict[KeyPath, Position] = {}
        _record(node, (), keys, values)
        return YamlDocument(loader.construct_document(node), keys, values)
    except yaml.MarkedYAMLError as error:
        raise ConfigValidationError(source, [_syntax_error(error)]) from None
    finally:
        loader.dispose()


def _position(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _record(
    node: Node, path: KeyPath, keys: dict[KeyPath, Position], values: dict[KeyPath, Position]
) -> None:
    values[path] = _position(node)
    if isinstance(node, MappingNode):
        first_seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.value)
            here = _position(key_node)
            if key in first_seen:
                where = first_seen[key]
                raise _DuplicateKey(
                    ConfigError(
                        format_path((*path, key)),
                        here.line,
                        here.column,
                        f"duplicate key {key!r} (first given on line {where.line})",
                    )
                )
            first_seen[key] = here
            keys[(*path, key)] = here
            _record(value_node, (*path, key), keys, values)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*path, index), keys, values)


class _DuplicateKey(yaml.MarkedYAMLError):
    """Raised inside the walk so that duplicate keys take the syntax-error path out."""

    def __init__(self, error: ConfigError) -> None:
        super().__init__(problem=error.message)
        self.error = error


def _unreadable(text: str, error: yaml.reader.ReaderError) -> ConfigError:
    line_start = text.rfind("\n", 0, error.position) + 1
    line = text.count("\n", 0, error.position) + 1
    message = f"YAML syntax error: character U+{error.character:04X} is not allowed"
    return ConfigError("(top level)", line, error.position - line_start + 1, message)


def _syntax_error(error: yaml.MarkedYAMLError) -> ConfigError:
    if isinstance(error, _DuplicateKey):
        return error.error
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "invalid YAML"
    context = f" ({error.context})" if error.context else ""
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    return ConfigError("(top level)", line, column, f"YAML syntax error: {problem}{context}")
