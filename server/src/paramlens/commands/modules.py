"""`paramlens modules`: list the modules of a config's target, with shapes and source lines."""

import argparse
import sys
from pathlib import Path

from paramlens.commands.types import Subparsers
from paramlens.config import ConfigValidationError, load_config


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "modules",
        help="list the modules of a config's target",
        description=(
            "List every module of the config's target that holds parameters: its path, type, "
            "shape, where its code defines it, and the config pattern (and C) that selects it. "
            "Built-in targets are listed without training them."
        ),
    )
    parser.add_argument("config", type=Path, help="the config file")
    parser.add_argument(
        "--json", action="store_true", help="print the listing as JSON (the modules.json format)"
    )
    parser.set_defaults(handler=_modules)


def _modules(args: argparse.Namespace) -> int:
    path: Path = args.config
    try:
        loaded = load_config(path)
    except ConfigValidationError as error:
        for problem in error.errors:
            print(problem.format(str(path)), file=sys.stderr)
        return 1
    # Imported here: building a target imports torch, which the error path above never needs.
    from paramlens.core.target_spec import target_spec
    from paramlens.targets.module_listing import listing_for

    config = loaded.config
    try:
        listing = listing_for(
            target_spec(config, loaded.base_dir), [(m.pattern, m.C) for m in config.modules]
        )
    except (OSError, ImportError, ValueError, TypeError) as error:
        print(f"{path}: cannot load the target: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(listing.model_dump_json(indent=2))
        return 0
    for module in listing.modules:
        shape = "" if module.weight_shape is None else "×".join(map(str, module.weight_shape))
        selected = "" if module.matched_by is None else f"  C={module.C} ({module.matched_by})"
        where = "" if module.source is None else f"  {module.source.file}:{module.source.line}"
        print(f"{module.path}  {module.type} {shape}{selected}{where}")
    return 0
