"""`paramlens eval`: evaluate the decomposition saved in a run directory."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from paramlens.commands.decompose import device_name
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
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="the run directory")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--device", type=device_name, help="auto, cpu, cuda or cuda:N (default: the run's)"
    )
    parser.set_defaults(handler=_eval)


def _eval(args: argparse.Namespace) -> int:
    from paramlens.evaluate.run_eval import evaluate_run
    from paramlens.runs.atomic import json_safe

    try:
        result = evaluate_run(args.run_dir, args.device)
    except (FileNotFoundError, ValueError) as error:
        print(f"paramlens eval: {error}", file=sys.stderr)
        return 2
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
