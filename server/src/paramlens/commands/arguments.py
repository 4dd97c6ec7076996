"""Argument types and arguments several commands share, and how they report bad input."""

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_USAGE = 2


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be non-negative, got {value}")
    return value


def fraction(upper_open: bool = False) -> Callable[[str], float]:
    """An argparse type for a number in [0, 1], or [0, 1) with upper_open."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not (0.0 <= value < 1.0 if upper_open else 0.0 <= value <= 1.0):
            interval = "[0, 1)" if upper_open else "[0, 1]"
            raise argparse.ArgumentTypeError(f"expected a number in {interval}, got {text}")
        return value

    return parse


def device_name(text: str) -> str:
    if not re.fullmatch(r"auto|cpu|cuda(:[0-9]+)?", text):
        raise argparse.ArgumentTypeError(f"expected auto, cpu, cuda or cuda:N, got {text!r}")
    return text


def add_run_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="the run directory")


def add_device_argument(parser: argparse.ArgumentParser, default: str = "the run's") -> None:
    """`--device`; `default` says what it falls back to when not given."""
    parser.add_argument(
        "--device", type=device_name, help=f"auto, cpu, cuda or cuda:N (default: {default})"
    )


def usage_error(command: str, message: object) -> int:
    """Report bad input to `paramlens COMMAND` on stderr; returns the exit status for it."""
    print(f"paramlens {command}: {message}", file=sys.stderr)
    return EXIT_USAGE
