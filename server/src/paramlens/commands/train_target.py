"""`paramlens train-target`: train a built-in target model and save it (docs in targets/)."""

import argparse
import json
from pathlib import Path
from typing import get_args

from paramlens.commands.arguments import non_negative, positive
from paramlens.commands.types import Subparsers
from paramlens.config.sections.target import BuiltinTargetName

# From the config model rather than paramlens.targets, so that `--help` does not wait for torch.
BUILTIN_NAMES = get_args(BuiltinTargetName)


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "train-target",
        help="train a built-in target model",
        description=(
            "Train a built-in target on the CPU and save model.safetensors and target.json. "
            "Prints one JSON line with the output directory, final losses and seconds taken."
        ),
    )
    parser.add_argument(
        "name",
        choices=BUILTIN_NAMES,
        metavar="NAME",
        help=f"built-in target: {', '.join(BUILTIN_NAMES)}",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output directory (default: CACHE/targets/NAME/seed-N, where CACHE is "
        "$PARAMLENS_CACHE or ~/.cache/paramlens; decompositions of the built-in look there)",
    )
    parser.add_argument(
        "--seed", type=non_negative, default=0, help="training seed (default: %(default)s)"
    )
    parser.add_argument(
        "--steps", type=positive, default=None, help="training steps (default: the recipe's)"
    )
    parser.set_defaults(handler=_train_target)


def _train_target(args: argparse.Namespace) -> int:
    # Imported here so that other commands and `--version` do not wait for torch.
    from paramlens.targets.registry import train_target

    trained = train_target(args.name, out_dir=args.out, seed=args.seed, steps=args.steps)
    summary = {
        "directory": str(trained.directory),
        "metrics": trained.metrics,
        "seconds": round(trained.seconds, 1),
    }
    print(json.dumps(summary))
    return 0
