"""A circuit for one output of a toy model on one input vector: optimised, judged, and written
as a feature graph file (the format `paramlens graph --features` writes)."""

from collections.abc import Mapping
from contextlib import nullcontext
from pathlib import Path

import torch
from pydantic import BaseModel, ConfigDict

from paramlens.analysis.circuit.faithfulness import CircuitOutputValues, judge_outputs
from paramlens.analysis.circuit.optimize import optimize_circuits
from paramlens.analysis.circuit.target import FeatureTarget
from paramlens.analysis.graphs.build import graph_from_raw
from paramlens.analysis.graphs.features import compute_feature_graph
from paramlens.analysis.graphs.graph_file import AttributionGraph, graph_path, write_graph
from paramlens.analysis.graphs.prune import keep_all
from paramlens.analysis.graphs.run_graphs import n_features
from paramlens.analysis.graphs.settings import CircuitSettings, GraphSettings
from paramlens.analysis.intervene_input import describe_features, feature_vector
from paramlens.core.loaded_run import load_run
from paramlens.decomp.ci_functions import CIFunction
from paramlens.decomp.component_model import ComponentModel
from paramlens.devices import single_thread


class FeatureCircuitRecord(BaseModel):
    """How a toy circuit was found and how faithful it is."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    features: dict[int, float]  # the input: feature index -> value, every other feature 0
    target_output: int  # the output the circuit preserves
    all_outputs: bool  # whether the loss was the squared error of every output
    target_value: float  # the target output's value in the target model
    optimized: CircuitOutputValues
    original: CircuitOutputValues  # the CI the run's CI function gives
    ci_only: CircuitOutputValues | None = None  # optimised on its CI-masked loss alone
    settings: CircuitSettings


class FeatureCircuitResult(BaseModel):
    """What `optimize_feature_circuit` found and where it wrote the circuit's graph."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    weights_step: int
    graph_id: str
    path: str  # the graph file
    prompt: str  # the input, e.g. '1=1, 3=0.5'
    tokens: list[str]  # its active features, e.g. 'feature 1'
    graph_nodes: int  # every node of the graph, features and the output included
    graph_edges: int
    circuit: FeatureCircuitRecord


def find_feature_circuit(
    model: ComponentModel,
    ci_fn: CIFunction,
    features: Mapping[int, float],
    n_inputs: int,
    output: int,
    settings: CircuitSettings,
    all_outputs: bool = False,
    graph_id: str | None = None,
    run_id: str | None = None,
    weights_step: int | None = None,
    progress: bool = False,
) -> tuple[AttributionGraph, FeatureCircuitRecord]:
    """The optimised circuit of a toy model's `output` on the input `features` (of n_inputs),
    its graph and its record.

    The loss's reconstruction term is the squared error of `output` (of every output with
    all_outputs) against the target model's. The graph's nodes are the components whose
    optimised CI exceeds settings.ci_threshold, its edges the direct effects among them (with
    the circuit's CI as the sources' CI), its only output `output`; nothing is pruned. The
    record holds the output's value and the outputs' MSE under the three ablations, for the
    optimised circuit, the run's own CI and (when asked) a circuit optimised on CI masks alone.
    """
    weight = next(model.components.parameters())
    x = torch.tensor([feature_vector(features, n_inputs)], dtype=weight.dtype, device=weight.device)
    with torch.no_grad():
        clean = model(x, cache=["inputs"])
        initial = {path: z[0] for path, z in ci_fn(clean.inputs, model.components_by_path).items()}
    if clean.output.dim() != 2:
        raise ValueError(
            "a toy circuit needs a model whose output is (batch, n_outputs); got "
            f"{tuple(clean.output.shape)} for a batch of one"
        )
    reference = clean.output[0].detach().float()
    n_outputs = reference.numel()
    if not 0 <= output < n_outputs:
        raise ValueError(
            f"target output {output} is out of range: the model has {n_outputs} outputs "
            f"(0–{n_outputs - 1})"
        )
    target = FeatureTarget(x, output, reference, all_outputs)
    candidates = optimize_circuits(model, target, initial, settings, progress)
    alive, optimized, ci_only = candidates.alive, candidates.optimized, candidates.ci_only
    record = FeatureCircuitRecord(
        features=dict(sorted(features.items())),
        target_output=output,
        all_outputs=all_outputs,
        target_value=float(reference[output]),
        optimized=judge_outputs(model, target, optimized.lower(), alive, settings),
        original=judge_outputs(model, target, candidates.original, alive, settings),
        ci_only=None
        if ci_only is None
        else judge_outputs(model, target, ci_only.lower(), alive, settings),
        settings=settings,
    )

    graph_settings = GraphSettings(
        ci_threshold=settings.ci_threshold, node_threshold=1.0, edge_threshold=1.0
    )
    raw = compute_feature_graph(
        model, ci_fn, x[0], graph_settings, ci=optimized.lower(), outputs=[output]
    )
    if graph_id is None:
        active = "-".join(str(feature) for feature in sorted(features))
        graph_id = f"circuit-features-{active}-output-{output}"
    graph = graph_from_raw(
        raw,
        keep_all(raw),
        lambda feature: f"feature {feature}",
        describe_features(features),
        graph_id,
        graph_settings,
        run_id,
        decode_output=lambda dim: f"output {dim}",
        input_kind="features",
        weights_step=weights_step,
    )
    return graph, record


def optimize_feature_circuit(
    run_dir: Path,
    features: Mapping[int, float],
    output: int,
    settings: CircuitSettings | None = None,
    all_outputs: bool = False,
    graph_id: str | None = None,
    device: str | None = None,
    progress: bool = False,
) -> FeatureCircuitResult:
    """Optimise the circuit of a toy run's `output` on the input `features` and write its
    graph to `<run_dir>/graphs/<graph_id>.graph.json` (see find_feature_circuit)."""
    settings = CircuitSettings() if settings is None else settings
    if graph_id is not None:
        graph_path(run_dir, graph_id)  # a bad id fails before the work
    run = load_run(run_dir, device)
    if run.tokenizer is not None:
        raise ValueError(
            f"{run_dir} decomposes a language model: its circuits are for a target token after "
            "a prompt"
        )
    d = run.decomposition
    # One CPU thread: a toy's matrices are far too small for more threads to pay off.
    with single_thread() if d.device.type == "cpu" else nullcontext():
        graph, record = find_feature_circuit(
            d.model,
            d.ci_fn,
            features,
            n_features(run),
            output,
            settings,
            all_outputs,
            graph_id,
            run.manifest.run_id,
            run.step,
            progress,
        )
    path = graph_path(run_dir, graph.id)
    write_graph(graph, path)
    return FeatureCircuitResult(
        run_id=run.manifest.run_id,
        weights_step=run.step,
        graph_id=graph.id,
        path=str(path),
        prompt=graph.prompt,
        tokens=graph.tokens,
        graph_nodes=len(graph.nodes),
        graph_edges=len(graph.edges),
        circuit=record,
    )
