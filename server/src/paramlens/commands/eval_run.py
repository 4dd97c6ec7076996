"""`paramlens eval`: evaluate the decomposition saved in a run directory."""

import argparse
import json
from typing import Any

from paramlens.commands.arguments import add_device_argument, add_run_dir_argument, usage_error
from paramlens.commands.types import Subparsers


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="evaluate a run's decomposition",
        description=(
            "Evaluate a run directory's components.safetensors (or, before the run is done, "
            "its latest checkpoint) on the config's evaluation batches: reconstruction under "
            "each mask kind, CE/KL for language models, fresh-PGD loss, L0, alive counts and, "
            "for toy targets, recovery of the known mechanisms (mmcs, alive_per_feature)."
        ),
    )
    add_run_dir_argument(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_device_argument(parser)
    parser.set_defaults(handler=_eval)


def _eval(args: argparse.Namespace) -> int:
    from paramlens.evaluate.run_eval import evaluate_run
    from paramlens.runs.atomic import json_safe

    try:
        result = evaluate_run(args.run_dir, args.device)
    except (FileNotFoundError, ValueError) as error:
        return usage_error("eval", error)
    header = {"run_id": result.run_id, "step": result.step, "weights": result.weights}
    if args.json:
        print(json.dumps(json_safe(header | result.metrics), allow_nan=False))
        return 0
    print(f"{args.run_dir}: step {result.step} ({result.weights})")
    for key, value in _flatten(result.metrics):
        print(f"  {key}: {_shown(value)}")
    return 0


def _flatten(metrics: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in metrics.items():
        if isinstance(value, dict):
            rows += _flatten(value, f"{prefix}{key}.")
        else:
            rows.append((f"{prefix}{key}", value))
    return rows


def _shown(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)
