"""A circuit for one prompt's target token: optimised, judged, and written as a graph file."""

from contextlib import nullcontext
from pathlib import Path

import torch
from pydantic import BaseModel, ConfigDict
from tokenizers import Tokenizer

from paramlens.analysis.circuit.faithfulness import judge
from paramlens.analysis.circuit.optimize import optimize_circuits
from paramlens.analysis.circuit.target import resolve_target
from paramlens.analysis.graphs.build import graph_from_raw, slug, token_decoder
from paramlens.analysis.graphs.compute import compute_attribution_graph
from paramlens.analysis.graphs.graph_file import (
    AttributionGraph,
    CircuitRecord,
    graph_path,
    write_graph,
)
from paramlens.analysis.graphs.prune import keep_all
from paramlens.analysis.graphs.settings import CircuitSettings, GraphSettings
from paramlens.core.loaded_run import load_run
from paramlens.decomp.ci_functions import CIFunction
from paramlens.decomp.component_model import ComponentModel
from paramlens.devices import single_thread


class CircuitResult(BaseModel):
    """What `optimize_circuit` found and where it wrote the circuit's graph."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    weights_step: int
    graph_id: str
    path: str  # the graph file
    prompt: str
    tokens: list[str]
    graph_nodes: int  # every node of the graph, embeddings and the output included
    graph_edges: int
    circuit: CircuitRecord


def find_circuit(
    model: ComponentModel,
    ci_fn: CIFunction,
    tokenizer: Tokenizer,
    prompt: str,
    target: str,
    settings: CircuitSettings,
    position: int | None = None,
    graph_id: str | None = None,
    run_id: str | None = None,
    weights_step: int | None = None,
    progress: bool = False,
) -> AttributionGraph:
    """The optimised circuit's graph: its nodes are the (position, component) pairs whose
    optimised CI exceeds settings.ci_threshold, its edges the direct effects among them (with
    the circuit's CI as the sources' CI), its only output the target; nothing is pruned.
    `circuit` holds the target's probabilities under the three ablations, for the optimised
    circuit, the run's own CI and (when asked) a circuit optimised on CI masks alone."""
    device = next(model.components.parameters()).device
    chosen = resolve_target(tokenizer, prompt, target, position, device)
    with torch.no_grad():
        clean = model(chosen.token_ids, cache=["inputs"])
        initial = {path: z[0] for path, z in ci_fn(clean.inputs, model.components_by_path).items()}
        target_probability = float(chosen.log_probability(clean.output).exp())
    candidates = optimize_circuits(model, chosen, initial, settings, progress)
    alive, optimized, ci_only = candidates.alive, candidates.optimized, candidates.ci_only
    record = CircuitRecord(
        target_token=chosen.token,
        target_token_id=chosen.token_id,
        position=chosen.position,
        target_probability=target_probability,
        optimized=judge(model, chosen, optimized.lower(), alive, settings),
        original=judge(model, chosen, candidates.original, alive, settings),
        ci_only=None if ci_only is None else judge(model, chosen, ci_only.lower(), alive, settings),
        settings=settings,
    )

    graph_settings = GraphSettings(
        ci_threshold=settings.ci_threshold, node_threshold=1.0, edge_threshold=1.0
    )
    raw = compute_attribution_graph(
        model,
        ci_fn,
        chosen.token_ids,
        graph_settings,
        ci=optimized.lower(),
        outputs=[(chosen.position, chosen.token_id)],
    )
    if graph_id is None:
        graph_id = f"circuit-{slug(prompt)}-{chosen.position}-{chosen.token_id}"
    return graph_from_raw(
        raw,
        keep_all(raw),
        token_decoder(tokenizer),
        prompt,
        graph_id,
        graph_settings,
        run_id,
        weights_step=weights_step,
        circuit=record,
    )


def optimize_circuit(
    run_dir: Path,
    prompt: str,
    target: str,
    settings: CircuitSettings | None = None,
    position: int | None = None,
    graph_id: str | None = None,
    device: str | None = None,
    progress: bool = False,
) -> CircuitResult:
    """Optimise the circuit of `target` after `prompt` on a finished run and write its graph
    to `<run_dir>/graphs/<graph_id>.graph.json` (see find_circuit)."""
    settings = CircuitSettings() if settings is None else settings
    if graph_id is not None:
        graph_path(run_dir, graph_id)  # a bad id fails before minutes of work
    run = load_run(run_dir, device)
    if run.tokenizer is None:
        raise ValueError(
            f"{run_dir} decomposes a toy model: its circuits are for one output on one input "
            "vector, not a token after a prompt"
        )
    d = run.decomposition
    # One CPU thread: every forward here runs one prompt, whose matrices are so small that
    # thread synchronisation costs more than it saves (over ten times more on a busy CPU).
    with single_thread() if d.device.type == "cpu" else nullcontext():
        graph = find_circuit(
            d.model,
            d.ci_fn,
            run.tokenizer,
            prompt,
            target,
            settings,
            position,
            graph_id,
            run.manifest.run_id,
            run.step,
            progress,
        )
    path = graph_path(run_dir, graph.id)
    write_graph(graph, path)
    assert graph.circuit is not None
    return CircuitResult(
        run_id=run.manifest.run_id,
        weights_step=run.step,
        graph_id=graph.id,
        path=str(path),
        prompt=prompt,
        tokens=graph.tokens,
        graph_nodes=len(graph.nodes),
        graph_edges=len(graph.edges),
        circuit=graph.circuit,
    )
