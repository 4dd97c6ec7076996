"""The input an analysis command runs on: a prompt for a language model, or active features for a
toy model (`--features 3,7`, `--input 3=1.0,7=0.5`)."""

import argparse


def add_input_arguments(
    parser: argparse.ArgumentParser, prompt_help: str, required: bool
) -> "argparse._MutuallyExclusiveGroup":
    """`--prompt`, `--features` and `--input`, at most one of them; the group is returned so a
    command can add another alternative to it."""
    source = parser.add_mutually_exclusive_group(required=required)
    source.add_argument("--prompt", help=prompt_help)
    source.add_argument(
        "--features",
        type=feature_list,
        metavar="I,J,…",
        help="toy models: the active input features, each with value 1, e.g. 1,3",
    )
    source.add_argument(
        "--input",
        type=feature_values,
        metavar="I=V,…",
        help="toy models: active input features with their values, e.g. 1=1.0,3=0.5",
    )
    return source


def feature_list(text: str) -> dict[int, float]:
    """`3,7` -> {3: 1.0, 7: 1.0}."""
    return {_feature_index(item): 1.0 for item in _items(text)}


def feature_values(text: str) -> dict[int, float]:
    """`3=1.0,7=0.5` -> {3: 1.0, 7: 0.5}."""
    values = {}
    for item in _items(text):
        index, equals, value = item.partition("=")
        if not equals:
            raise argparse.ArgumentTypeError(f"expected FEATURE=VALUE, got {item!r}")
        try:
            values[_feature_index(index)] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number after '=', got {item!r}") from None
    return values


def _items(text: str) -> list[str]:
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise argparse.ArgumentTypeError(f"expected comma-separated features, got {text!r}")
    return items


def _feature_index(text: str) -> int:
    if not (text.strip().isascii() and text.strip().isdigit()):
        raise argparse.ArgumentTypeError(f"expected a feature index (0, 1, …), got {text!r}")
    return int(text)
