"""`paramlens harvest`: top-activating examples and statistics of every subcomponent of a run."""

import argparse
import sys

from paramlens.commands.arguments import (
    add_device_argument,
    add_run_dir_argument,
    fraction,
    non_negative,
    positive,
    usage_error,
)
from paramlens.commands.types import Subparsers

EXIT_STOPPED = 130


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "harvest",
        help="collect each subcomponent's top-activating examples into harvest.sqlite",
        description=(
            "Stream the run's training data through its decomposition and write "
            "RUN_DIR/harvest.sqlite: firing density, mean CI and alive flag of every "
            "subcomponent, its strongest examples with the CI and activation of every token "
            "around them, and input/output token PMI tables. Progress is saved as it goes: "
            "run the same command again to continue an interrupted harvest. Without "
            "--tokens or --batches it reads 2M tokens (samples for toy targets), at most one "
            "pass over the training data. Prints the file's path when done."
        ),
    )
    add_run_dir_argument(parser)
    length = parser.add_mutually_exclusive_group()
    length.add_argument(
        "--tokens", type=positive, metavar="N", help="tokens (samples for toy targets) to read"
    )
    length.add_argument("--batches", type=positive, metavar="N", help="batches to read")
    parser.add_argument(
        "--batch-size",
        type=positive,
        metavar="N",
        help="sequences (samples) per batch (default: 32 sequences, 1024 toy samples)",
    )
    parser.add_argument(
        "--top-k", type=positive, metavar="K", help="examples kept per subcomponent (default 30)"
    )
    parser.add_argument(
        "--context",
        type=non_negative,
        metavar="N",
        help="tokens kept on each side of an example's marked token (default 20)",
    )
    parser.add_argument(
        "--ci-threshold",
        type=fraction(upper_open=True),
        metavar="X",
        help="a subcomponent fires where its CI is above X (default 0.1)",
    )
    add_device_argument(parser)
    parser.add_argument(
        "--commit-every",
        type=positive,
        metavar="N",
        default=50,
        help="batches between saves of the resumable state (default 50)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="start over, replacing an existing harvest.sqlite and any unfinished harvest",
    )
    parser.set_defaults(handler=_harvest)


def _harvest(args: argparse.Namespace) -> int:
    # Imported here so that `--help` and argument errors do not wait for torch.
    from paramlens.analysis.harvest import HarvestOptions, harvest_run
    from paramlens.devices import resolve_device

    if args.device is not None:
        try:
            resolve_device(args.device)
        except RuntimeError as error:  # a CUDA device that is not there
            return usage_error("harvest", error)
    try:
        options = HarvestOptions(
            tokens=args.tokens,
            batches=args.batches,
            batch_size=args.batch_size,
            top_k=args.top_k,
            context=args.context,
            ci_threshold=args.ci_threshold,
            device=args.device,
            force=args.force,
            commit_every=args.commit_every,
            progress=True,
        )
        result = harvest_run(args.run_dir, options)
    except KeyboardInterrupt:
        print(
            "paramlens harvest: interrupted; run the same command again to continue from the "
            "last saved batch, or add --force to start over",
            file=sys.stderr,
        )
        return EXIT_STOPPED
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        return usage_error("harvest", error)
    print(result.path)
    return 0
