"""`paramlens graph`: attribution graphs of a finished run, written to its graphs/ directory."""

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paramlens.commands.arguments import (
    add_device_argument,
    add_run_dir_argument,
    fraction,
    usage_error,
)
from paramlens.commands.input_arguments import add_input_arguments
from paramlens.commands.types import Subparsers

_TOP_OUTPUTS = 10  # output nodes listed in a --json summary

if TYPE_CHECKING:  # imported where used: they load torch, which starting the CLI need not
    from paramlens.analysis.graphs.graph_file import AttributionGraph
    from paramlens.analysis.graphs.run_graphs import GraphRequest
    from paramlens.core.loaded_run import LoadedRun


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "graph",
        help="build attribution graphs on a finished run",
        description=(
            "Build the attribution graph of a prompt (language models) or of one input "
            "(toy models) with a run's trained weights, prune it and write it to "
            "RUN_DIR/graphs/<id>.graph.json. Without --prompt, --features or --input, graphs "
            "every prompt of the config's analysis.prompts section. Prints each file's path, "
            "or with --json one summary object per graph and line. Exit 2 for bad input."
        ),
    )
    add_run_dir_argument(parser)
    source = add_input_arguments(parser, "the text to graph (language models)", required=False)
    source.add_argument(
        "--all-prompts",
        action="store_true",
        help="graph every prompt of the config's analysis.prompts (the default)",
    )
    parser.add_argument(
        "--id",
        dest="graph_id",
        metavar="ID",
        help="the graph's id, naming its file (default: from the prompt's name or text)",
    )
    parser.add_argument(
        "--ci-threshold",
        type=fraction(upper_open=True),
        metavar="X",
        help="a subcomponent is a node where its CI exceeds X (default 0)",
    )
    parser.add_argument(
        "--node-threshold",
        type=fraction(),
        metavar="X",
        help="keep the fewest nodes holding share X of the influence (default 0.8)",
    )
    parser.add_argument(
        "--edge-threshold",
        type=fraction(),
        metavar="X",
        help="keep the fewest edges holding share X of the edge scores (default 0.98)",
    )
    add_device_argument(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object per graph")
    parser.add_argument(
        "--export-neuronpedia",
        type=Path,
        metavar="PATH",
        help="also write the graph as circuit-tracer / Neuronpedia JSON to PATH",
    )
    parser.set_defaults(handler=_graph)


def _graph(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from paramlens.analysis.graphs.graph_file import graph_path
    from paramlens.analysis.graphs.interop import to_circuit_tracer
    from paramlens.analysis.graphs.run_graphs import build_run_graph, write_run_graph
    from paramlens.analysis.graphs.settings import GraphSettings
    from paramlens.core.loaded_run import load_run
    from paramlens.runs.atomic import atomic_write_json

    overrides = {
        name: getattr(args, name)
        for name in ("ci_threshold", "node_threshold", "edge_threshold")
        if getattr(args, name) is not None
    }
    settings = GraphSettings(**overrides)
    try:
        if args.graph_id is not None:
            graph_path(args.run_dir, args.graph_id)  # a bad id fails before any work
        run = load_run(args.run_dir, args.device)
    except (FileNotFoundError, ValueError, RuntimeError) as error:  # RuntimeError: no CUDA
        return usage_error("graph", error)
    try:
        requests = _requests(args, run)
        with run.threads():
            for request in tqdm(requests, desc="graphs", disable=len(requests) < 2):
                graph = build_run_graph(run, request, settings)
                path = write_run_graph(run, graph)
                if args.export_neuronpedia is not None:
                    exported = to_circuit_tracer(graph, run.manifest.run_id)
                    atomic_write_json(args.export_neuronpedia, exported)
                print(json.dumps(_summary(graph, path)) if args.json else path, flush=True)
    except (ValueError, OSError) as error:
        return usage_error("graph", error)
    return 0


def _requests(args: argparse.Namespace, run: "LoadedRun") -> "list[GraphRequest]":
    """The graphs the arguments ask for: one prompt or input, else the config's prompts."""
    from paramlens.analysis.graphs.run_graphs import GraphRequest, config_prompts

    features = args.features or args.input
    if run.tokenizer is None:
        if not features:
            raise ValueError(
                f"{args.run_dir} decomposes a toy model, which reads feature vectors: "
                "give --features I,J or --input I=V,…"
            )
        return [GraphRequest(features=features, graph_id=args.graph_id)]
    if features:
        raise ValueError(f"{args.run_dir} decomposes a language model: give --prompt TEXT")
    if args.prompt is not None:
        return [GraphRequest(prompt=args.prompt, graph_id=args.graph_id)]
    requests = config_prompts(run)
    if len(requests) > 1:
        for flag, value in (
            ("--id", args.graph_id),
            ("--export-neuronpedia", args.export_neuronpedia),
        ):
            if value is not None:
                raise ValueError(
                    f"{flag} is for one graph; the config lists {len(requests)} prompts, "
                    "so give --prompt"
                )
    elif args.graph_id is not None:
        requests = [GraphRequest(prompt=requests[0].prompt, graph_id=args.graph_id)]
    return requests


def _summary(graph: "AttributionGraph", path: Path) -> dict[str, Any]:
    """Path, id, node and edge counts, and the most likely output tokens of a written graph."""
    from paramlens.analysis.graphs.graph_file import ComponentNode, OutputNode

    outputs = sorted(
        (node for node in graph.nodes if isinstance(node, OutputNode)),
        key=lambda node: -node.probability,
    )
    return {
        "path": str(path),
        "id": graph.id,
        "input_kind": graph.input_kind,
        "nodes": len(graph.nodes),
        "component_nodes": sum(isinstance(node, ComponentNode) for node in graph.nodes),
        "edges": len(graph.edges),
        "top_outputs": [
            {
                "position": node.position,
                "token_id": node.token_id,
                "token": node.token,
                "probability": node.probability,
            }
            for node in outputs[:_TOP_OUTPUTS]
        ],
    }
