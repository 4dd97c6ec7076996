"""`paramlens decompose`: run a decomposition into a run directory, or resume one."""

import argparse
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from paramlens.commands.arguments import (
    EXIT_USAGE,
    add_device_argument,
    positive,
    usage_error,
)
from paramlens.commands.types import Subparsers
from paramlens.config import ConfigValidationError, LoadedConfig, load_config

if TYPE_CHECKING:
    from paramlens.runs import Manifest

EXIT_FAILED = 1
EXIT_CANCELLED = 130


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "decompose",
        help="run a decomposition",
        description=(
            "Decompose the target a *.decomp.yaml config names into a run directory "
            "(default: runs/<run-id>/ beside the config), with a progress bar on stderr. "
            "Prints the run directory on stdout when it ends. Exit 0 when done, 1 when the "
            "run failed, 2 for a config that cannot run (every problem as "
            "file:line:column: key: message; nothing is created), 130 when cancelled."
        ),
    )
    parser.add_argument("config", type=Path, nargs="?", metavar="CONFIG", help="the config file")
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="the run directory to create (must not exist)"
    )
    parser.add_argument(
        "--resume",
        type=Path,
        metavar="RUN_DIR",
        help="continue an interrupted, cancelled or failed run from its last checkpoint",
    )
    add_device_argument(parser, default="the config's")
    parser.add_argument(
        "--steps", type=positive, metavar="N", help="training steps (default: the config's)"
    )
    parser.set_defaults(handler=_decompose)


def _decompose(args: argparse.Namespace) -> int:
    if (args.config is None) == (args.resume is None):
        return usage_error(
            "decompose", "give a CONFIG to start a run, or --resume RUN_DIR to continue one"
        )
    if args.resume is not None and (args.out is not None or args.steps is not None):
        return usage_error("decompose", "--out and --steps apply to new runs, not to --resume")
    if args.resume is not None:
        return _resume(args.resume, args.device)
    loaded = _load(args.config)
    if loaded is None:
        return EXIT_USAGE  # a config that cannot run
    return _start(args.config, loaded, args.out, args.steps, args.device)


def _load(path: Path) -> LoadedConfig | None:
    try:
        loaded = load_config(path)
        loaded.check_runnable()
    except ConfigValidationError as error:
        for problem in error.errors:
            print(problem.format(str(path)), file=sys.stderr)
        return None
    return loaded


def _start(
    config_path: Path, loaded: LoadedConfig, out: Path | None, steps: int | None, device: str | None
) -> int:
    # Imported here so that config errors are reported without waiting for torch.
    from paramlens.train.run import create_run, execute_run

    try:
        run_dir = create_run(config_path, loaded, out, steps, device)
    except FileExistsError as error:
        return usage_error("decompose", error)
    print(f"paramlens: run directory {run_dir}", file=sys.stderr)
    return _finish(run_dir, lambda: execute_run(run_dir))


def _resume(run_dir: Path, device: str | None) -> int:
    from paramlens.runs import RESUMABLE, read_manifest
    from paramlens.train.run import resume_run

    try:
        status = read_manifest(run_dir).status
    except (OSError, ValueError) as error:
        return usage_error("decompose", error)
    if status not in RESUMABLE:
        allowed = ", ".join(sorted(RESUMABLE))
        return usage_error(
            "decompose", f"{run_dir} has status {status!r}; only {allowed} runs resume"
        )
    return _finish(run_dir, lambda: resume_run(run_dir, device=device))


def _finish(run_dir: Path, run: Callable[[], "Manifest"]) -> int:
    try:
        manifest = run()
    except KeyboardInterrupt:
        print(f"paramlens: aborted; resume with --resume {run_dir}", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as error:
        traceback.print_exc()
        print(f"paramlens: run failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(run_dir)
    if manifest.status == "cancelled":
        print(
            f"paramlens: cancelled at step {manifest.step}; resume with --resume {run_dir}",
            file=sys.stderr,
        )
        return EXIT_CANCELLED
    return 0
