"""`paramlens optimize-circuit`: the smallest faithful circuit for one prompt's target token, or
for one output of a toy model on one input."""

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from paramlens.commands.arguments import (
    add_device_argument,
    add_run_dir_argument,
    fraction,
    usage_error,
)
from paramlens.commands.input_arguments import add_input_arguments
from paramlens.commands.intervene import output_index
from paramlens.commands.types import Subparsers

if TYPE_CHECKING:  # imported where used: they load torch, which starting the CLI need not
    from paramlens.analysis.circuit import CircuitResult
    from paramlens.analysis.graphs.graph_file import CircuitOutputValues

# flag -> (CircuitSettings field, argparse type, its default, help). The defaults are written
# here for --help, which should not wait for torch to load; a test holds them to CircuitSettings.
SETTING_FLAGS: dict[str, tuple[str, type[int] | type[float], float, str]] = {
    "--steps": ("steps", int, 300, "optimisation steps"),
    "--lr": ("lr", float, 0.05, "peak AdamW learning rate (cosine schedule after a warm-up)"),
    "--stochastic-coeff": ("stochastic_coeff", float, 0.5, "weight of the stochastic-mask CE"),
    "--pgd-coeff": ("pgd_coeff", float, 0.5, "weight of the adversarial-mask CE"),
    "--pgd-steps": ("pgd_steps", int, 4, "sign-ascent steps of the adversary in each step"),
    "--pgd-step-size": ("pgd_step_size", float, 1.0, "the adversary's step size"),
    "--importance-coeff": ("importance_coeff", float, 0.1, "weight of the importance minimality"),
    "--p": ("p", float, 0.3, "exponent of the importance minimality"),
    "--beta": ("beta", float, 0.0, "weight of the minimality's frequency term"),
    "--eval-samples": ("eval_samples", int, 64, "stochastic masks averaged when judging"),
    "--eval-pgd-steps": ("eval_pgd_steps", int, 20, "sign-ascent steps of the judging adversary"),
    "--eval-pgd-step-size": ("eval_pgd_step_size", float, 0.1, "its step size"),
    "--seed": ("seed", int, 0, "seed of the masks and adversaries"),
}


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "optimize-circuit",
        help="optimise a faithful circuit for one prompt's target token",
        description=(
            "Post-hoc CI pruning on a finished language-model run: with the subcomponents "
            "frozen, optimise the CI of the prompt's alive subcomponents so that as few as "
            "possible keep TOKEN likely after position P, under stochastic and adversarial "
            "ablation of the rest. Writes the circuit's graph to RUN_DIR/graphs/<id>.graph.json "
            "and prints the target's probability under CI masks, stochastic and adversarial "
            "ablation for the optimised circuit, the run's own CI and a circuit optimised on "
            "CI masks alone. A toy model takes --features or --input and an output index as "
            "TARGET; the loss is that output's squared error against the target model's, and "
            "the report gives its value and the outputs' MSE. Exit 2 for bad input."
        ),
    )
    add_run_dir_argument(parser)
    add_input_arguments(parser, "the text the target follows (language models)", required=True)
    parser.add_argument(
        "--target",
        required=True,
        metavar="TOKEN|OUTPUT",
        help="the token to keep predicting: text that is exactly one token (mind a leading "
        "space); toy models: the index of the output to preserve",
    )
    parser.add_argument(
        "--all-outputs",
        action="store_true",
        help="toy models: the loss is the squared error of every output, not only TARGET's",
    )
    parser.add_argument(
        "--position",
        type=int,
        metavar="P",
        help="the position the target is predicted after (default: the last; -1 is the last)",
    )
    for flag, (_, kind, default, text) in SETTING_FLAGS.items():
        parser.add_argument(flag, type=kind, metavar="N", help=f"{text} (default {default:g})")
    parser.add_argument(
        "--ci-threshold",
        type=fraction(upper_open=True),
        metavar="X",
        help="a subcomponent is in the circuit where its CI exceeds X (default 0)",
    )
    parser.add_argument(
        "--no-ci-only",
        action="store_true",
        help="skip the contrast circuit optimised on its CI-masked CE alone",
    )
    parser.add_argument("--id", dest="graph_id", metavar="ID", help="the graph's id")
    add_device_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.set_defaults(handler=_optimize)


def _optimize(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from paramlens.analysis.circuit import optimize_circuit
    from paramlens.analysis.graphs.graph_file import CircuitRecord
    from paramlens.analysis.graphs.settings import CircuitSettings

    given = {field: getattr(args, field) for field, _, _, _ in SETTING_FLAGS.values()}
    given["ci_threshold"] = args.ci_threshold
    given["compare_ci_only"] = False if args.no_ci_only else None
    try:
        settings = CircuitSettings(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as error:
        problems = "; ".join(
            f"--{str(problem['loc'][0]).replace('_', '-')}: {problem['msg']}"
            for problem in error.errors()
        )
        return usage_error("optimize-circuit", problems)
    features = args.features or args.input
    try:
        if features is not None and args.position is not None:
            raise ValueError("--position is for prompts; a toy model's input has no positions")
        if features is None and args.all_outputs:
            raise ValueError("--all-outputs is for toy models (--features or --input)")
        result = optimize_circuit(
            args.run_dir,
            args.target if features is None else output_index(args.target),
            args.prompt,
            features,
            settings,
            args.position,
            args.all_outputs,
            args.graph_id,
            args.device,
            progress=True,
        )
    except (FileNotFoundError, ValueError, RuntimeError) as error:  # RuntimeError: no CUDA
        return usage_error("optimize-circuit", error)
    if args.json:
        print(result.model_dump_json())
    elif isinstance(result.circuit, CircuitRecord):
        print(report(result))
    else:
        print(feature_report(result))
    return 0


def report(result: "CircuitResult") -> str:
    """The three probabilities side by side for each circuit, then the graph's path."""
    from paramlens.analysis.graphs.graph_file import CircuitRecord

    circuit = result.circuit
    assert isinstance(circuit, CircuitRecord)
    context = "".join(result.tokens[: circuit.position + 1])
    lines = [
        f"target {circuit.target_token!r} after {context!r} (position {circuit.position}): "
        f"p = {circuit.target_probability:.4g} in the target model",
        f"{'circuit':<20}{'nodes':>8}{'CI-masked':>12}{'stochastic':>12}{'adversarial':>13}",
    ]
    rows = [("optimised", circuit.optimized), ("run's CI", circuit.original)]
    if circuit.ci_only is not None:
        rows.insert(1, ("CI-only optimised", circuit.ci_only))
    for name, probabilities in rows:
        lines.append(
            f"{name:<20}{probabilities.nodes:>8}{probabilities.ci_masked:>12.4g}"
            f"{probabilities.stochastic:>12.4g}{probabilities.adversarial:>13.4g}"
        )
    lines.append(result.path)
    return "\n".join(lines)


def feature_report(result: "CircuitResult") -> str:
    """A toy circuit: the target output's value, then the outputs' MSE, three ways for each
    circuit; then the graph's path."""
    from paramlens.analysis.graphs.graph_file import FeatureCircuitRecord

    circuit = result.circuit
    assert isinstance(circuit, FeatureCircuitRecord)
    output = f"output {circuit.target_output}"
    loss = "every output" if circuit.all_outputs else output
    lines = [
        f"{output} on input {result.prompt}: {circuit.target_value:.4g} in the target model "
        f"(loss: squared error of {loss})"
    ]
    rows = [("optimised", circuit.optimized), ("run's CI", circuit.original)]
    if circuit.ci_only is not None:
        rows.insert(1, ("CI-only optimised", circuit.ci_only))

    def table(
        title: str, three: Callable[["CircuitOutputValues"], tuple[float, float, float]]
    ) -> None:
        lines.append(
            f"{title:<20}{'nodes':>8}{'CI-masked':>12}{'stochastic':>12}{'adversarial':>13}"
        )
        for name, values in rows:
            ci_masked, stochastic, adversarial = three(values)
            lines.append(
                f"{name:<20}{values.nodes:>8}{ci_masked:>12.4g}{stochastic:>12.4g}{adversarial:>13.4g}"
            )

    table(output, lambda v: (v.ci_masked, v.stochastic, v.adversarial))
    table("output MSE", lambda v: (v.ci_masked_mse, v.stochastic_mse, v.adversarial_mse))
    lines.append(result.path)
    return "\n".join(lines)
