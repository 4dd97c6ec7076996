"""Resolve fnmatch patterns over a model's module paths into the modules to decompose."""

from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase

from torch import nn

from paramlens.decomp.module_kinds import check_decomposable


def resolve_module_patterns(
    model: nn.Module, patterns: Mapping[str, int] | Iterable[tuple[str, int]]
) -> dict[str, int]:
    """Map each module path matched by a pattern to that pattern's C, in sorted path order.

    `patterns` pairs an fnmatch pattern over `model.named_modules()` names with the number of
    subcomponents C for every module it matches, e.g. {"h.*.mlp.c_fc": 3072}. Matching is
    case-sensitive. Raises ValueError when a pattern matches nothing, when two patterns match
    the same module, or when C is not positive; TypeError when a matched module's type cannot
    be decomposed.
    """
    pairs = list(patterns.items() if isinstance(patterns, Mapping) else patterns)
    paths = [path for path, _ in model.named_modules() if path]  # the root has no path
    matched_by: dict[str, str] = {}
    module_C: dict[str, int] = {}
    for pattern, C in pairs:
        if C <= 0:
            raise ValueError(f"pattern {pattern!r}: C must be positive, got {C}")
        matches = [path for path in paths if fnmatchcase(path, pattern)]
        if not matches:
            raise ValueError(f"pattern {pattern!r} matches no module of the model")
        for path in matches:
            if path in matched_by:
                raise ValueError(
                    f"module {path!r} is matched by both {matched_by[path]!r} and {pattern!r}"
                )
            matched_by[path] = pattern
            module_C[path] = C
    modules = dict(model.named_modules())
    for path in module_C:
        check_decomposable(modules[path], path)
    return {path: module_C[path] for path in sorted(module_C)}


def resolve_transposes(
    model: nn.Module, pairs: Iterable[tuple[str, str]], module_C: Mapping[str, int]
) -> dict[str, str]:
    """Map the module each pattern matches to the decomposed module it is the transpose of.

    `pairs` are (pattern, source path) for the patterns that give `transpose_of`; each must
    match exactly one module. Whether the weights really are transposes is checked when the
    components are built (ComponentModel).
    """
    paths = [path for path, _ in model.named_modules() if path]
    transposes: dict[str, str] = {}
    for pattern, source in pairs:
        matches = [path for path in paths if fnmatchcase(path, pattern)]
        if len(matches) != 1:
            raise ValueError(
                f"pattern {pattern!r} gives transpose_of, so it must match exactly one module; "
                f"it matches {len(matches)}"
            )
        if source not in module_C:
            raise ValueError(
                f"pattern {pattern!r}: transpose_of {source!r} is not a decomposed module; "
                f"decomposed: {', '.join(module_C)}"
            )
        transposes[matches[0]] = source
    return transposes
