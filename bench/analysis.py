"""Analysis benchmark: harvest throughput, attribution-graph speed and intervention latency on
a real (short) decomposition of the small LM.

    npm run bench:analysis          # or: .venv/bin/python bench/analysis.py [--runs N]

It first trains examples/tiny_llama.decomp.yaml for a few steps into a temporary directory
(the built-in target comes from the target cache, or is trained once, about six minutes), then,
on one CPU thread each:

- load: opening the finished run (`load_run`), against opening it and reading its training
  corpus as well, which is what opening a run cost while the data was read eagerly; median of
  --runs each, alternating;
- harvest: `harvest_run` over a fixed number of batches; tokens per second while streaming;
- graph: the 64-token attribution graph, batched against one backward per target node,
  alternating, best of --runs each;
- intervene: a 64-token keep-only intervention through PyTorch, through onnxruntime in Python
  and through onnxruntime-node (test/support/onnxRun.ts) on the same inputs; p95 latencies.

The machine's load average and CPU count go into the result, since wall times on a shared
machine move with the load of others. The last line of stdout is one JSON object.
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import analysis_graph as random_model  # bench/analysis_graph.py, beside this file
import numpy as np
import torch
import yaml

from paramlens.analysis.export.engines import EngineOutput
from paramlens.analysis.export.feeds import runner_inputs
from paramlens.analysis.export.onnx_file import export_onnx
from paramlens.analysis.harvest import HarvestOptions, harvest_run
from paramlens.analysis.intervene import onnx_engine, prepare_intervention, torch_engine
from paramlens.analysis.intervene_timing import (
    intervention_latencies,
    keep_spec,
    p95,
    prompt_of_length,
)
from paramlens.core.loaded_run import LoadedRun, load_run
from paramlens.config import load_config_text
from paramlens.decomp.ci_functions import CIFunction
from paramlens.decomp.component_model import ComponentModel
from paramlens.analysis.graphs.compute import compute_attribution_graph, compute_attribution_graph_naive
from paramlens.analysis.graphs.raw_graph import ComponentNodeData, RawGraph
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.train.run import RunOptions, create_run, execute_run

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "tiny_llama.decomp.yaml"
TEXT = REPO / "examples" / "data" / "kjv.txt"
NODE_RUNNER = REPO / "test" / "support" / "onnxRun.ts"
# A few steps after a short faithfulness warm-up: far from a good decomposition, but every
# analysis step costs what it costs on any run of this shape.
SHORT_RUN = {
    ("training", "steps"): 6,
    ("training", "faithfulness_warmup", "steps"): 60,
    ("logging", "log_every"): 3,
    ("logging", "eval_every"): 6,
    ("logging", "eval_batch_size"): 4,
}
PROMPT_TOKENS = 64
HARVEST_BATCHES = 8  # of the harvest's default 32 sequences × 64 tokens
# After six steps over a thousand (position, subcomponent) pairs of a 64-token prompt have CI
# clamped at 1, so no threshold leaves fewer nodes than that; the random model below has ~340.
GRAPH_SETTINGS = GraphSettings(ci_threshold=0.99)


def short_run(run_dir: Path) -> Path:
    """Train the example config with SHORT_RUN's values into `run_dir` (one thread)."""
    config = yaml.safe_load(EXAMPLE.read_text())
    for (*parents, key), value in SHORT_RUN.items():
        node = config
        for parent in parents:
            node = node.setdefault(parent, {})
        node[key] = value
    text = yaml.safe_dump(config, sort_keys=False)
    # Data paths in the config are relative to the example's folder.
    loaded = load_config_text(text, source=str(EXAMPLE), base_dir=EXAMPLE.parent)
    create_run(EXAMPLE, loaded, run_dir, config_text=text)
    manifest = execute_run(run_dir, RunOptions(progress=False))
    if manifest.status != "done":
        raise SystemExit(f"the short run ended {manifest.status}")
    return run_dir


def measure_harvest(run_dir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    result = harvest_run(run_dir, HarvestOptions(batches=HARVEST_BATCHES, device="cpu"))
    total = time.perf_counter() - started
    return {
        "harvest_tokens_per_s": round(result.positions_per_second, 1),
        "harvest_tokens": result.positions,
        "harvest_stream_s": round(result.stream_seconds, 2),
        "harvest_total_s": round(total, 2),  # also loading the run and writing the database
    }


def elapsed_ms(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def measure_graph(
    name: str,
    model: ComponentModel,
    ci_fn: CIFunction,
    token_ids: torch.Tensor,
    settings: GraphSettings,
    runs: int,
) -> dict[str, Any]:
    """{name}_batched_ms, _naive_ms, _speedup_vs_naive (best of `runs` of each), nodes, edges."""

    def batched() -> RawGraph:
        return compute_attribution_graph(model, ci_fn, token_ids, settings)

    def naive() -> RawGraph:
        return compute_attribution_graph_naive(model, ci_fn, token_ids, settings)

    graph, reference = batched(), naive()  # also warms both up
    if not torch.equal(graph.edge_sources, reference.edge_sources) or not torch.equal(
        graph.edge_targets, reference.edge_targets
    ):
        raise SystemExit(f"{name}: the batched and naive graphs have different edges")
    batched_ms, naive_ms = [], []
    for _ in range(runs):  # alternating, so load from other processes hits both alike
        batched_ms.append(elapsed_ms(batched))
        naive_ms.append(elapsed_ms(naive))
        print(f"{name}: batched {batched_ms[-1]:.0f} ms, naive {naive_ms[-1]:.0f} ms", flush=True)
    return {
        f"{name}_batched_ms": round(min(batched_ms), 1),
        f"{name}_naive_ms": round(min(naive_ms), 1),
        f"{name}_speedup_vs_naive": round(min(naive_ms) / min(batched_ms), 2),
        f"{name}_ci_threshold": settings.ci_threshold,
        f"{name}_component_nodes": sum(isinstance(n, ComponentNodeData) for n in graph.nodes),
        f"{name}_edges": len(graph.edge_weights),
    }


def node_latencies_ms(
    model: Path, inputs: dict[str, dict[str, object]], repeats: int, scratch: Path
) -> tuple[list[float], EngineOutput]:
    """One thread of onnxruntime-node on `inputs`: its timed session runs, and its outputs."""
    inputs_path, outputs_path = scratch / "inputs.json", scratch / "outputs.json"
    inputs_path.write_text(json.dumps(inputs))
    command = ["node", "--import", "tsx", str(NODE_RUNNER), str(model)]
    command += [str(inputs_path), str(outputs_path), "--threads", "1", "--repeat", str(repeats)]
    subprocess.run(command, cwd=REPO, check=True, timeout=600)
    written = json.loads(outputs_path.read_text())
    arrays = [
        np.array(value["data"], np.float32).reshape(value["dims"])
        for value in written["outputs"].values()
    ]
    return [float(ms) for ms in written["latencies_ms"]], EngineOutput(*arrays)


def measure_intervene(run: LoadedRun, prompt: str, repeats: int, scratch: Path) -> dict[str, Any]:
    spec = keep_spec(run, prompt)
    exported = export_onnx(run)
    torch_ms = [1000 * s for s in intervention_latencies(run, spec, torch_engine(run), repeats)]
    onnx_python = onnx_engine(run, threads=1)
    python_ms = [1000 * s for s in intervention_latencies(run, spec, onnx_python, repeats)]
    # onnxruntime-node times the session alone, on the feeds the Python intervention builds.
    feeds = prepare_intervention(run, spec).feeds
    names = tuple(onnx_python.input_names)
    assert len(names) == 3, names
    node_ms, node_out = node_latencies_ms(
        exported.model, runner_inputs(feeds, (names[0], names[1], names[2])), repeats, scratch
    )
    want = torch_engine(run).run(feeds.inputs, feeds.component_mask, feeds.delta_mask)
    node_diff = float(np.abs(node_out.output - want.output).max())
    torch_p95, node_p95 = p95(torch_ms), p95(node_ms)
    return {
        "intervene_tokens": PROMPT_TOKENS,
        "intervene_repeats": repeats,
        "intervene_torch_p95_ms": round(torch_p95, 2),
        "intervene_torch_p50_ms": round(float(np.median(torch_ms)), 2),
        "intervene_onnx_p95_ms": round(node_p95, 2),
        "intervene_onnx_p50_ms": round(float(np.median(node_ms)), 2),
        "intervene_onnx_python_p95_ms": round(p95(python_ms), 2),
        "intervene_onnx_python_p50_ms": round(float(np.median(python_ms)), 2),
        "intervene_onnx_vs_torch_ratio": round(node_p95 / torch_p95, 3),
        "intervene_onnx_max_abs_logit_diff": node_diff,
    }


def measure_load(run_dir: Path, runs: int) -> dict[str, Any]:
    """Seconds to open a finished run, without and with reading its training data."""
    lazy: list[float] = []
    eager: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        load_run(run_dir, "cpu")
        lazy.append(time.perf_counter() - started)
        started = time.perf_counter()
        load_run(run_dir, "cpu").decomposition.batches  # noqa: B018 (reads the corpus)
        eager.append(time.perf_counter() - started)
    return {
        "load_run_s": round(float(np.median(lazy)), 3),
        "load_run_with_corpus_s": round(float(np.median(eager)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="alternating graph runs of each kind")
    parser.add_argument("--repeats", type=int, default=100, help="timed interventions per engine")
    args = parser.parse_args()
    # One thread: on shared CPUs, multi-threaded timings swing by several times.
    torch.set_num_threads(1)
    result: dict[str, Any] = {"cpu_count": os.cpu_count(), "threads": 1}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="paramlens-bench-analysis-") as scratch:
        started = time.perf_counter()
        run_dir = short_run(Path(scratch) / "run")
        print(f"short run trained in {time.perf_counter() - started:.0f} s", flush=True)
        result |= measure_load(run_dir, args.runs)
        print(f"load_run: {result['load_run_s']} s (with the corpus read: "
              f"{result['load_run_with_corpus_s']} s)", flush=True)
        result |= measure_harvest(run_dir)
        print(f"harvest: {result['harvest_tokens_per_s']:.0f} tokens/s", flush=True)
        run = load_run(run_dir, "cpu")
        assert run.tokenizer is not None, "the example's data has a tokenizer"
        prompt = prompt_of_length(run.tokenizer, TEXT.read_text()[:20_000], PROMPT_TOKENS)
        token_ids = torch.tensor([run.tokenizer.encode(prompt, add_special_tokens=False).ids])
        d = run.decomposition
        result |= measure_graph("graph", d.model, d.ci_fn, token_ids, GRAPH_SETTINGS, args.runs)
        # The same comparison at a few hundred nodes, on bench/analysis_graph.py's random model.
        model, ci_fn, random_ids = random_model.build(torch.device("cpu"))
        result |= measure_graph(
            "graph_random", model, ci_fn, random_ids, random_model.SETTINGS, args.runs
        )
        result |= measure_intervene(run, prompt, args.repeats, Path(scratch))
    # 1, 5 and 15-minute load averages when the benchmark started and when it ended
    result["load_average_start"] = [round(load, 2) for load in load_before]
    result["load_average_end"] = [round(load, 2) for load in os.getloadavg()]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
