"""`paramlens validate`: check a decomposition config and report every problem at its line."""

import argparse
import json
import sys
from pathlib import Path

from paramlens.commands.types import Subparsers
from paramlens.config import ConfigError, ConfigValidationError, LoadedConfig, load_config


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a decomposition config",
        description=(
            "Check a *.decomp.yaml config (or a reference-format one) without running it. "
            "Exit 0 when it is valid, printing notes and warnings; exit 1 with every error as "
            "file:line:column: key: message."
        ),
    )
    parser.add_argument("config", type=Path, help="the config file")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: valid, errors, warnings, notes, total_C, per_layer_C",
    )
    parser.set_defaults(handler=_validate)


def _validate(args: argparse.Namespace) -> int:
    path: Path = args.config
    try:
        loaded = load_config(path)
    except ConfigValidationError as error:
        if args.json:
            _print_json(valid=False, errors=error.errors)
        else:
            for problem in error.errors:
                print(problem.format(str(path)), file=sys.stderr)
        return 1
    if args.json:
        _print_json(valid=True, loaded=loaded)
    else:
        _print_summary(path, loaded)
    return 0


def _print_summary(path: Path, loaded: LoadedConfig) -> None:
    config = loaded.config
    kind = "reference-format" if loaded.source_format == "reference" else "native"
    print(f"{path}: valid {kind} config, method {config.method}")
    counts = loaded.counts
    if counts is not None:
        layers = counts.per_layer
        per_layer = "" if layers is None else f" ({_per_layer_text(layers)})"
        print(f"total C: {counts.total:,} in {len(counts.per_module)} modules{per_layer}")
    for note in loaded.notes:
        print(f"note: {note}")
    for warning in loaded.warnings:
        print(f"warning: {warning.format(str(path))}")


def _per_layer_text(layers: dict[int, int]) -> str:
    values = set(layers.values())
    if len(values) == 1:
        return f"{values.pop():,} per layer"
    return ", ".join(f"layer {layer}: {count:,}" for layer, count in layers.items())


def _print_json(
    *, valid: bool, errors: tuple[ConfigError, ...] = (), loaded: LoadedConfig | None = None
) -> None:
    counts = None if loaded is None else loaded.counts
    report = {
        "valid": valid,
        "format": None if loaded is None else loaded.source_format,
        "errors": [_issue(e) for e in errors],
        "warnings": [] if loaded is None else [_issue(w) for w in loaded.warnings],
        "notes": [] if loaded is None else list(loaded.notes),
        "total_C": None if counts is None else counts.total,
        "per_layer_C": None
        if counts is None or counts.per_layer is None
        else {str(layer): count for layer, count in counts.per_layer.items()},
    }
    print(json.dumps(report, indent=2))


def _issue(error: ConfigError) -> dict[str, object]:
    return {
        "path": error.path,
        "line": error.line,
        "column": error.column,
        "message": error.message,
    }
