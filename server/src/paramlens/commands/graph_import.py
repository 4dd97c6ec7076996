"""`paramlens graph-import`: a circuit-tracer / Neuronpedia graph into a run's graphs/ directory."""

import argparse
import json
import sys
from pathlib import Path

from paramlens.commands.types import Subparsers


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "graph-import",
        help="import a circuit-tracer / Neuronpedia graph into a run",
        description=(
            "Convert an attribution graph in the circuit-tracer / Neuronpedia JSON format (as "
            "`paramlens graph --export-neuronpedia` writes it) to a ParamLens graph and write "
            "it to RUN_DIR/graphs/<id>.graph.json. Prints the path. Exit 2 for bad input."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the graph JSON to import")
    parser.add_argument(
        "--run", type=Path, required=True, metavar="RUN_DIR", help="the run to add it to"
    )
    parser.add_argument(
        "--id", dest="graph_id", metavar="ID", help="the graph's id (default: the file's slug)"
    )
    parser.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    from paramlens.analysis.graphs.graph_file import graph_path, write_graph
    from paramlens.analysis.graphs.interop import from_circuit_tracer
    from paramlens.runs.manifest import read_manifest

    try:
        if args.graph_id is not None:
            graph_path(args.run, args.graph_id)
        read_manifest(args.run)  # only into run directories
        try:
            data = json.loads(args.file.read_text(encoding="utf-8"))
        except OSError as error:
            raise ValueError(f"{args.file}: cannot read: {error.strerror}") from None
        except json.JSONDecodeError as error:
            raise ValueError(f"{args.file} is not valid JSON: {error}") from None
        graph = from_circuit_tracer(data, args.graph_id)
        path = graph_path(args.run, graph.id)
        write_graph(graph, path)
    except (OSError, ValueError) as error:
        print(f"paramlens graph-import: {error}", file=sys.stderr)
        return 2
    print(path)
    return 0
