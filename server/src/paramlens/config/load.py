"""Load a config file, in the native or the reference format, with errors that point at lines.

Every problem found is reported at once, as `ConfigValidationError`, each with the key path
(`training.lr`, `modules[2].C`), its line and column in the file, and what was expected.
For a reference-format file, paths and lines are those of the reference keys.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from paramlens.config.availability import unavailable
from paramlens.config.counts import ComponentCounts, PatternMatchError, count_components
from paramlens.config.errors import ConfigError, ConfigValidationError, format_path
from paramlens.config.loaded import LoadedConfig
from paramlens.config.model import DecompositionConfig
from paramlens.config.module_names import known_module_names
from paramlens.config.presets import with_defaults
from paramlens.config.problems import Problem, problems_from
from paramlens.config.reference import Translation, is_reference_format, translate_reference
from paramlens.config.sections.base import KeyPath
from paramlens.config.yaml_source import YamlDocument, parse_yaml


def load_config(path: Path) -> LoadedConfig:
    """Load the config file at `path`; raise ConfigValidationError listing every problem."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigValidationError(
            source, [_top_level(f"cannot read the file: {error}")]
        ) from None
    return load_config_text(text, source=source, base_dir=path.parent)


def load_config_text(text: str, source: str = "<config>", base_dir: Path = Path()) -> LoadedConfig:
    """Load config text named `source` in messages; its relative paths start at `base_dir`."""
    document = parse_yaml(text, source)
    raw = document.data
    if not isinstance(raw, Mapping):
        found = "an empty file" if raw is None else f"a {type(raw).__name__}"
        raise ConfigValidationError(
            source, [_top_level(f"expected a mapping of keys (method, target, …), got {found}")]
        )
    if is_reference_format(raw):
        translation = translate_reference(raw, Path(source).name, base_dir)
        return _finish(translation.data, _Context(document, source, base_dir, translation))
    return _finish(raw, _Context(document, source, base_dir, None))


@dataclass(frozen=True)
class _Context:
    """The file being loaded and, for a reference-format file, its translation."""

    document: YamlDocument
    source: str
    base_dir: Path
    translation: Translation | None

    def to_file(self, path: KeyPath) -> KeyPath | None:
        return path if self.translation is None else self.translation.origin_of(path)

    def locate(self, problem: Problem, *, native: bool = True) -> ConfigError:
        """Place a problem at its key in the file; `native` when its path is the native one."""
        path = (self.to_file(problem.path) if native else problem.path) or ()
        # A missing key is not in the file: point at the section that lacks it.
        in_file = path[:-1] if problem.at_key and path not in self.document.keys else path
        position = self.document.position(in_file, of_key=problem.at_key)
        line, column = (position.line, position.column) if position else (None, None)
        return ConfigError(format_path(path), line, column, problem.message)

    def fail(self, errors: list[ConfigError]) -> ConfigValidationError:
        return ConfigValidationError(self.source, sorted(errors, key=_file_order))


def _finish(data: Mapping[str, object], context: _Context) -> LoadedConfig:
    translation = context.translation
    earlier = (
        []
        if translation is None
        else [
            context.locate(Problem(p, m, at_key=False), native=False) for p, m in translation.errors
        ]
    )
    try:
        config = DecompositionConfig.model_validate(data)
    except ValidationError as error:
        found = [context.locate(p) for p in problems_from(error, with_defaults(data))]
        # After a translation error, validation often reports its consequences again.
        blamed = {e.path for e in earlier}
        raise context.fail([*earlier, *(e for e in found if e.path not in blamed)]) from None
    if earlier:
        raise context.fail(earlier)
    n_layers = None if translation is None else translation.n_layers
    return LoadedConfig(
        config=config,
        source=context.source,
        source_format="native" if translation is None else "reference",
        base_dir=context.base_dir,
        notes=() if translation is None else tuple(translation.notes),
        warnings=tuple(sorted(_warnings(config, context), key=_file_order)),
        counts=_counts(config, n_layers, context),
    )


def _warnings(config: DecompositionConfig, context: _Context) -> list[ConfigError]:
    translation = context.translation
    warned = [] if translation is None else translation.warnings
    found = [context.locate(Problem(p, m, at_key=False), native=False) for p, m in warned]
    blamed = {error.path for error in found}
    for path, message in unavailable(config, context.base_dir):
        error = context.locate(Problem(path, message, at_key=False))
        if error.path not in blamed:
            found.append(error)
    return found


def _counts(
    config: DecompositionConfig, n_layers: int | None, context: _Context
) -> ComponentCounts | None:
    known = known_module_names(config, context.base_dir, n_layers)
    if known is None:
        return None
    names, exact = known
    try:
        return count_components(config.modules, names)
    except PatternMatchError as error:
        if not exact:
            return None  # Names guessed from the patterns; the built model will tell.
        message = f"{error}; {config.target.builtin} has modules {', '.join(names)}"
        problem = Problem(("modules", error.index, error.key), message, at_key=False)
        raise context.fail([context.locate(problem)]) from None


def _file_order(error: ConfigError) -> tuple[int, int]:
    return (error.line or 0, error.column or 0)


def _top_level(message: str) -> ConfigError:
    return ConfigError(format_path(()), 1, 1, message)
