"""`paramlens intervene`: a prompt's next-token predictions (a toy model's outputs) with
subcomponents kept or ablated."""

import argparse
from typing import TYPE_CHECKING

from paramlens.commands.arguments import add_run_dir_argument, device_name, positive, usage_error
from paramlens.commands.input_arguments import add_input_arguments
from paramlens.commands.types import Subparsers

if TYPE_CHECKING:
    from paramlens.analysis.intervene import FeatureOutputs, InterventionResult, Prediction


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "intervene",
        help="run a prompt with subcomponents kept or ablated",
        description=(
            "Run PROMPT through the run's decomposed model with only the given subcomponents "
            "kept (mask 1, every other 0) or with them ablated (mask 0, every other 1), and "
            "print the most probable next tokens beside the unmasked model's (all masks 1). "
            "The Δ component is off in both, as in the 'unmasked' evaluation. IDs are "
            "subcomponents (h.1.mlp.down_proj:12, or the short 1.mlp.down:12), applied at "
            "every position, or nodes (h.1.mlp.down_proj:3:12), applied at position 3 only; "
            "separate them by spaces or commas. A toy model takes --features or --input "
            "instead of a prompt and subcomponent IDs (linear1:3), and prints its outputs "
            "beside the unmasked ones."
        ),
    )
    add_run_dir_argument(parser)
    add_input_arguments(parser, "the text to run (language models)", required=True)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--keep", nargs="+", metavar="ID", help="keep only these")
    which.add_argument("--ablate", nargs="+", metavar="ID", help="ablate these")
    parser.add_argument(
        "--target",
        metavar="TOKEN|OUTPUT",
        help="a token whose probability to report (toy models: an output whose value to report)",
    )
    parser.add_argument(
        "--top-k",
        type=positive,
        default=10,
        metavar="K",
        help="predictions (toy models: largest outputs) to show (default 10)",
    )
    parser.add_argument(
        "--all-positions", action="store_true", help="predictions at every position"
    )
    parser.add_argument(
        "--engine",
        choices=("torch", "onnx"),
        default="torch",
        help="PyTorch, or the run's model.onnx in onnxruntime (default: torch)",
    )
    parser.add_argument(
        "--device", type=device_name, help="torch engine: auto, cpu, cuda or cuda:N"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=_intervene)


def _intervene(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from paramlens.analysis.intervene import InterventionSpec, engine_for, intervene
    from paramlens.core.loaded_run import load_run

    def ids(values: list[str] | None) -> list[str] | None:
        return None if values is None else [i for value in values for i in value.split(",") if i]

    features = args.features or args.input
    toy_target = features is not None and args.target is not None
    try:
        spec = InterventionSpec(
            prompt=args.prompt,
            features=features,
            keep=ids(args.keep),
            ablate=ids(args.ablate),
            target=None if toy_target else args.target,
            target_output=output_index(args.target) if toy_target else None,
            top_k=args.top_k,
            all_positions=args.all_positions,
        )
        run = load_run(args.run_dir, "cpu" if args.engine == "onnx" else args.device)
        with run.threads():
            result = intervene(run, spec, engine_for(run, args.engine))
    except ValidationError as error:
        details = "; ".join(str(problem["msg"]) for problem in error.errors())
        return usage_error("intervene", details)
    except (FileNotFoundError, ValueError) as error:
        return usage_error("intervene", error)
    print(result.model_dump_json() if args.json else _text(result, args.top_k))
    return 0


def output_index(text: str) -> int:
    """A toy model's `--target`: the index of one of its outputs."""
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"a toy model's --target is an output index (0, 1, …), got {text!r}")
    return int(text)


def _text(result: "InterventionResult", top_k: int) -> str:
    lines = [
        f"run {result.run_id} step {result.weights_step} · {result.mode} {len(result.ids)} "
        f"ID(s) · Δ off · engine {result.engine}"
    ]
    if result.outputs is not None:
        lines.append(f"input: {result.prompt} ({len(result.tokens)} active features)")
        return "\n".join(lines + _outputs_text(result, result.outputs, top_k))
    lines.append(f"prompt: {result.prompt!r} ({len(result.tokens)} tokens)")
    for position in result.positions:
        lines.append(
            f"after position {position.position} {position.token.text!r}: "
            f"KL(unmasked ‖ {result.mode}) = {position.kl_to_unmasked:.4g} nats"
        )
        if result.target is not None:
            lines.append(
                f"  target {result.target.text!r}: {position.target_probability:.4f} "
                f"(unmasked {position.baseline_target_probability:.4f})"
            )
        lines.append(f"  {result.mode:<28}unmasked")
        for ours, theirs in zip(position.predictions, position.baseline, strict=True):
            lines.append(f"  {_shown(ours):<28}{_shown(theirs)}")
    return "\n".join(lines)


def _outputs_text(result: "InterventionResult", outputs: "FeatureOutputs", top_k: int) -> list[str]:
    """The MSE, the target's value and the top_k largest outputs (of either row), in order."""
    values, baseline = outputs.values, outputs.baseline
    lines = [
        f"MSE(unmasked, {result.mode}) = {outputs.mse_to_unmasked:.4g} over {len(values)} outputs"
    ]
    if result.target is not None:
        lines.append(
            f"  target {result.target.text}: {outputs.target_value:.4f} "
            f"(unmasked {outputs.baseline_target_value:.4f})"
        )
    size = [max(abs(v), abs(b)) for v, b in zip(values, baseline, strict=True)]
    shown = sorted(sorted(range(len(values)), key=lambda i: -size[i])[:top_k])
    lines.append(f"  {'output':<8}{result.mode:>12}{'unmasked':>12}")
    lines += [f"  {i:<8}{values[i]:>12.4f}{baseline[i]:>12.4f}" for i in shown]
    if len(shown) < len(values):
        lines.append(f"  (the {len(shown)} largest of {len(values)} outputs; --json lists all)")
    return lines


def _shown(prediction: "Prediction") -> str:
    return f"{prediction.token!r:<16} {prediction.probability:.4f}"
