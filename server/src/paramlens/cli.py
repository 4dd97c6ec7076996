"""The `paramlens` command line: one subcommand per module in `paramlens.commands`."""

import argparse
from collections.abc import Sequence

from paramlens import __version__
from paramlens.commands import COMMANDS
from paramlens.commands.types import CommandHandler


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paramlens",
        description="Parameter decomposition (SPD/VPD) of neural networks, and its server.",
    )
    parser.add_argument("--version", action="version", version=f"paramlens {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named in `argv` (default: `sys.argv[1:]`) and return its exit code."""
    args = build_parser().parse_args(argv)
    handler: CommandHandler = args.handler
    return handler(args)
