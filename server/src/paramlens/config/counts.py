"""How many subcomponents a config asks for: per module, per layer and in total."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from paramlens.config.sections.modules import ModuleSpec

_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class ComponentCounts:
    """C of every decomposed module, by module path in sorted order."""

    per_module: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.per_module.values())

    @property
    def per_layer(self) -> dict[int, int] | None:
        """C summed by layer, the first all-digit part of a module path (`h.2.mlp.c_fc` → 2);
        None when some module path has no layer number."""
        layers: dict[int, int] = {}
        for path, C in self.per_module.items():
            layer = next((int(part) for part in path.split(".") if part.isdigit()), None)
            if layer is None:
                return None
            layers[layer] = layers.get(layer, 0) + C
        return dict(sorted(layers.items()))


class PatternMatchError(ValueError):
    """A module pattern matches no module, a module is matched by two patterns, or a
    `transpose_of` cannot hold; `key` is the key of modules[index] to blame."""

    def __init__(self, index: int, message: str, key: str = "pattern") -> None:
        super().__init__(message)
        self.index = index
        self.key = key


def count_components(modules: Sequence[ModuleSpec], module_names: Iterable[str]) -> ComponentCounts:
    """Match each pattern against the target's module names, as decomposition will.

    Raises PatternMatchError for the first pattern that matches nothing or a module that
    an earlier pattern already matched, and for a `transpose_of` whose pattern matches more
    than one module or that names a module not decomposed with the same C. (Whether the
    weights really are transposes needs the weights: the built model checks that.)
    """
    names = sorted(set(module_names))
    matched_by: dict[str, int] = {}
    per_module: dict[str, int] = {}
    for index, spec in enumerate(modules):
        matches = [name for name in names if fnmatchcase(name, spec.pattern)]
        if not matches:
            raise PatternMatchError(index, f"pattern {spec.pattern!r} matches no module")
        for name in matches:
            if name in matched_by:
                earlier = modules[matched_by[name]].pattern
                raise PatternMatchError(
                    index, f"module {name!r} is matched by both {earlier!r} and {spec.pattern!r}"
                )
            matched_by[name] = index
            per_module[name] = spec.C
    for index, spec in enumerate(modules):
        if spec.transpose_of is not None:
            _check_transpose(index, spec, names, per_module)
    return ComponentCounts(dict(sorted(per_module.items())))


def _check_transpose(
    index: int, spec: ModuleSpec, names: Sequence[str], per_module: dict[str, int]
) -> None:
    matches = [name for name in names if fnmatchcase(name, spec.pattern)]
    if len(matches) != 1:
        raise PatternMatchError(
            index,
            f"pattern {spec.pattern!r} gives transpose_of, so it must match exactly one "
            f"module; it matches {len(matches)}",
        )
    source = spec.transpose_of
    if source not in per_module or source == matches[0]:
        decomposed = ", ".join(name for name in per_module if name != matches[0])
        raise PatternMatchError(
            index,
            f"transpose_of {source!r} is not another decomposed module; decomposed: {decomposed}",
            key="transpose_of",
        )
    if per_module[source] != spec.C:
        raise PatternMatchError(
            index,
            f"C={spec.C}, but {source!r}, whose subcomponents this module shares, has "
            f"C={per_module[source]}; give both the same C",
            key="C",
        )


def layered_module_names(patterns: Iterable[str], n_layers: int) -> tuple[str, ...] | None:
    """The module names the patterns match in a model with `n_layers` identical blocks.

    Works when every pattern is a plain name or has one `*` standing for a whole path part,
    the layer number (`h.*.mlp.c_fc`); returns None for any other wildcard, whose matches
    only the model itself can tell.
    """
    names: list[str] = []
    for pattern in patterns:
        parts = pattern.split(".")
        if not _GLOB_CHARS.search(pattern):
            names.append(pattern)
        elif parts.count("*") == 1 and not _GLOB_CHARS.search(pattern.replace("*", "", 1)):
            star = parts.index("*")
            for layer in range(n_layers):
                names.append(".".join([*parts[:star], str(layer), *parts[star + 1 :]]))
        else:
            return None
    return tuple(names)
