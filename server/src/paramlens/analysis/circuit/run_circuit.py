"""A circuit for one input's behaviour: optimised, judged, and written as a graph file.

The behaviour is a language model's target token predicted after a prompt position, or a toy
model's target output on one feature vector. Everything else is written once: the circuit's
CI is optimised (optimize), judged three ways (faithfulness), and its graph computed with the
circuit's CI as the sources' CI, its only output the target, nothing pruned.
"""

from contextlib import nullcontext
from pathlib import Path

import torch
from pydantic import BaseModel, ConfigDict
from torch import Tensor

from paramlens.analysis.circuit.faithfulness import judge, judge_outputs
from paramlens.analysis.circuit.optimize import CircuitCandidates, optimize_circuits
from paramlens.analysis.circuit.target import CircuitTarget, FeatureTarget, resolve_target
from paramlens.analysis.graphs.build import default_graph_id, graph_from_raw, on_model, slug
from paramlens.analysis.graphs.compute import compute_attribution_graph
from paramlens.analysis.graphs.graph_file import (
    AttributionGraph,
    CircuitRecord,
    FeatureCircuitRecord,
    graph_path,
    write_graph,
)
from paramlens.analysis.graphs.prune import keep_all
from paramlens.analysis.graphs.settings import CircuitSettings, GraphSettings
from paramlens.analysis.inputs import AnalysisInput, Inputs, TokenInputs, parse_input, run_inputs
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
    prompt: str  # the prompt, or a toy's input as `1=1, 3=0.5`
    tokens: list[str]  # the input's positions: tokens, or a toy's one position
    graph_nodes: int  # every node of the graph, inputs and the output included
    graph_edges: int
    circuit: CircuitRecord | FeatureCircuitRecord


def find_circuit(
    model: ComponentModel,
    ci_fn: CIFunction,
    inputs: Inputs,
    model_input: AnalysisInput,
    target: str | int,
    settings: CircuitSettings,
    position: int | None = None,
    all_outputs: bool = False,
    graph_id: str | None = None,
    run_id: str | None = None,
    weights_step: int | None = None,
    progress: bool = False,
) -> AttributionGraph:
    """The optimised circuit's graph, its record in the graph's `circuit`.

    target: the token to predict after `position` (default the last) of a prompt, or the
    output index to preserve on a toy's feature vector, whose loss is that output's squared
    error (every output's with all_outputs). The graph's nodes are the (position, component)
    pairs whose optimised CI exceeds settings.ci_threshold, its edges the direct effects among
    them, its only output the target. The record judges the optimised circuit, the run's own
    CI and (when asked) a circuit optimised on CI masks alone, under the three ablations.
    """
    batch = on_model(model, model_input)
    with torch.no_grad():
        clean = model(batch, cache=["inputs"])
        initial = {path: z[0] for path, z in ci_fn(clean.inputs, model.components_by_path).items()}
    behaviour = _behaviour(inputs, batch, clean.output, target, position, all_outputs)
    candidates = optimize_circuits(model, behaviour, initial, settings, progress)
    record = _record(model, behaviour, model_input, candidates, settings, clean.output)

    graph_settings = GraphSettings(
        ci_threshold=settings.ci_threshold, node_threshold=1.0, edge_threshold=1.0
    )
    T = model_input.n_positions
    if isinstance(behaviour, CircuitTarget):
        output = (behaviour.position, behaviour.token_id)
    else:
        output = (0, behaviour.output)
    raw = compute_attribution_graph(
        model,
        ci_fn,
        batch,
        graph_settings,
        ci={path: g.reshape(T, -1) for path, g in candidates.optimized.lower().items()},
        outputs=[output],
        kind=model_input.kind,
    )
    if graph_id is None and model_input.kind == "tokens":
        graph_id = f"circuit-{slug(model_input.text)}-{output[0]}-{output[1]}"
    elif graph_id is None:
        graph_id = f"circuit-{default_graph_id(model_input)}-output-{output[1]}"
    return graph_from_raw(
        raw,
        keep_all(raw),
        inputs,
        model_input,
        graph_id,
        graph_settings,
        run_id,
        weights_step=weights_step,
        circuit=record,
    )


def _behaviour(
    inputs: Inputs,
    batch: Tensor,
    output: Tensor,
    target: str | int,
    position: int | None,
    all_outputs: bool,
) -> CircuitTarget | FeatureTarget:
    """What the circuit keeps doing: a token after a prompt, or a toy's output."""
    if isinstance(inputs, TokenInputs):
        if not isinstance(target, str) or all_outputs:
            raise ValueError("a language model's circuit target is a token (its text)")
        return resolve_target(inputs, batch, target, position)
    if not isinstance(target, int) or position is not None:
        raise ValueError("a toy model's circuit target is an output index")
    if output.dim() != 2:
        raise ValueError(
            "a toy circuit needs a model whose output is (batch, n_outputs); got "
            f"{tuple(output.shape)} for a batch of one"
        )
    reference = output[0].detach().float()
    n_outputs = reference.numel()
    if not 0 <= target < n_outputs:
        raise ValueError(
            f"target output {target} is out of range: the model has {n_outputs} outputs "
            f"(0–{n_outputs - 1})"
        )
    return FeatureTarget(batch, target, reference, all_outputs)


def _record(
    model: ComponentModel,
    behaviour: CircuitTarget | FeatureTarget,
    model_input: AnalysisInput,
    candidates: CircuitCandidates,
    settings: CircuitSettings,
    output: Tensor,
) -> CircuitRecord | FeatureCircuitRecord:
    """The target model's own behaviour, and each candidate's under the three ablations: a
    token's probability, or a toy output's value and the outputs' squared error."""
    alive, optimized, ci_only = candidates.alive, candidates.optimized, candidates.ci_only
    if isinstance(behaviour, CircuitTarget):
        return CircuitRecord(
            target_token=behaviour.token,
            target_token_id=behaviour.token_id,
            position=behaviour.position,
            target_probability=float(behaviour.log_probability(output).exp()),
            optimized=judge(model, behaviour, optimized.lower(), alive, settings),
            original=judge(model, behaviour, candidates.original, alive, settings),
            ci_only=None
            if ci_only is None
            else judge(model, behaviour, ci_only.lower(), alive, settings),
            settings=settings,
        )
    return FeatureCircuitRecord(
        features=model_input.features,
        target_output=behaviour.output,
        all_outputs=behaviour.all_outputs,
        target_value=float(behaviour.reference[behaviour.output]),
        optimized=judge_outputs(model, behaviour, optimized.lower(), alive, settings),
        original=judge_outputs(model, behaviour, candidates.original, alive, settings),
        ci_only=None
        if ci_only is None
        else judge_outputs(model, behaviour, ci_only.lower(), alive, settings),
        settings=settings,
    )


def optimize_circuit(
    run_dir: Path,
    target: str | int,
    prompt: str | None = None,
    features: dict[int, float] | None = None,
    settings: CircuitSettings | None = None,
    position: int | None = None,
    all_outputs: bool = False,
    graph_id: str | None = None,
    device: str | None = None,
    progress: bool = False,
) -> CircuitResult:
    """Optimise the circuit of `target` on a finished run's input (a prompt, or a toy's active
    features) and write its graph to `<run_dir>/graphs/<graph_id>.graph.json` (see find_circuit)."""
    settings = CircuitSettings() if settings is None else settings
    if graph_id is not None:
        graph_path(run_dir, graph_id)  # a bad id fails before minutes of work
    run = load_run(run_dir, device)
    inputs = run_inputs(run)
    model_input = parse_input(inputs, prompt, features)
    d = run.decomposition
    # One CPU thread: every forward here runs one input, whose matrices are so small that
    # thread synchronisation costs more than it saves (over ten times more on a busy CPU).
    with single_thread() if d.device.type == "cpu" else nullcontext():
        graph = find_circuit(
            d.model,
            d.ci_fn,
            inputs,
            model_input,
            target,
            settings,
            position,
            all_outputs,
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
        prompt=graph.prompt,
        tokens=graph.tokens,
        graph_nodes=len(graph.nodes),
        graph_edges=len(graph.edges),
        circuit=graph.circuit,
    )
