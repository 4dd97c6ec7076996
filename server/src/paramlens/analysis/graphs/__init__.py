"""Attribution graphs (spec/decomposition.md section 10), one job per module:

settings                 what shapes a graph (CI threshold, output tokens, pruning thresholds)
                         and an optimised circuit
nodes                    the clean forward, CI, and the graph's nodes
compute                  direct-effect edges, batched (and the one-backward-per-node reference)
same_position_attention  attention whose gradient stays within a position, for batching
raw_graph                the computed graph before pruning
prune                    circuit-tracer pruning by influence on the outputs
graph_file               `graphs/<id>.graph.json` (protocol/graph.ts): models, reader, writer
build                    build_graph: an input (prompt or toy feature vector) -> graph file contents
run_graphs               graphs of a finished run, written into its graphs/ directory
interop                  export to and import from circuit-tracer / Neuronpedia JSON
"""

from paramlens.analysis.graphs.build import build_graph
from paramlens.analysis.graphs.compute import (
    compute_attribution_graph,
    compute_attribution_graph_naive,
)
from paramlens.analysis.graphs.graph_file import (
    AttributionGraph,
    GraphFileError,
    graph_path,
    read_graph,
    write_graph,
)
from paramlens.analysis.graphs.interop import from_circuit_tracer, to_circuit_tracer
from paramlens.analysis.graphs.prune import Pruning, keep_all, prune
from paramlens.analysis.graphs.raw_graph import RawGraph
from paramlens.analysis.graphs.settings import CircuitSettings, GraphSettings

__all__ = [
    "AttributionGraph",
    "CircuitSettings",
    "GraphFileError",
    "GraphSettings",
    "Pruning",
    "RawGraph",
    "build_graph",
    "compute_attribution_graph",
    "compute_attribution_graph_naive",
    "from_circuit_tracer",
    "graph_path",
    "keep_all",
    "prune",
    "read_graph",
    "to_circuit_tracer",
    "write_graph",
]
