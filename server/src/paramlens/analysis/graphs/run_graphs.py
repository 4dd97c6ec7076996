"""Attribution graphs of a finished run: what to graph, built with the run's trained weights and
written into its `graphs/` directory."""

from dataclasses import dataclass, field
from pathlib import Path

from paramlens.analysis.graphs.build import build_graph, slug
from paramlens.analysis.graphs.graph_file import AttributionGraph, graph_path, write_graph
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.analysis.inputs import parse_input, run_inputs
from paramlens.core.loaded_run import LoadedRun
from paramlens.ids import is_graph_id


@dataclass(frozen=True)
class GraphRequest:
    """One graph: a prompt for a language model, or an input for a toy model (feature index
    -> value, every other feature 0). graph_id None: derived from the prompt or input."""

    prompt: str | None = None
    features: dict[int, float] = field(default_factory=dict)
    graph_id: str | None = None


def config_prompts(run: LoadedRun) -> list[GraphRequest]:
    """The prompts of the config's `analysis` section, each graph named after its `name`."""
    analysis = run.config.analysis
    prompts = analysis.prompts if analysis is not None else ()
    if not prompts:
        raise ValueError(
            f"{run.paths.root}: the run's config lists no analysis.prompts; give a prompt"
        )
    return [
        GraphRequest(
            prompt=spec.prompt, graph_id=None if spec.name is None else _name_id(spec.name)
        )
        for spec in prompts
    ]


def build_run_graph(
    run: LoadedRun, request: GraphRequest, settings: GraphSettings
) -> AttributionGraph:
    """The pruned graph `request` asks for, on the run's weights."""
    d = run.decomposition
    inputs = run_inputs(run)
    model_input = parse_input(inputs, request.prompt, request.features or None)
    return build_graph(
        d.model,
        d.ci_fn,
        inputs,
        model_input,
        settings,
        request.graph_id,
        run.manifest.run_id,
        run.step,
    )


def write_run_graph(run: LoadedRun, graph: AttributionGraph) -> Path:
    """Write `graph` to `<run>/graphs/<id>.graph.json` (atomically) and return the path."""
    path = graph_path(run.paths.root, graph.id)
    write_graph(graph, path)
    return path


def _name_id(name: str) -> str:
    """A prompt's `name` as a graph id: itself when it is one, else its slug."""
    return name if is_graph_id(name) else slug(name)
