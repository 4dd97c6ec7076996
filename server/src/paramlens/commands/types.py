"""The contract between `paramlens.cli` and the modules that add its subcommands."""

import argparse
from collections.abc import Callable
from typing import TypeAlias

# A string because `_SubParsersAction` is generic only in the type stubs, not at run time.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

# Runs a parsed command and returns the process exit code. `register` stores it on the
# subparser with `parser.set_defaults(handler=...)`.
CommandHandler: TypeAlias = Callable[[argparse.Namespace], int]

# Adds one subcommand (its parser, arguments and handler) to the `paramlens` CLI.
RegisterCommand: TypeAlias = Callable[[Subparsers], None]
