"""Times attribution-graph edges, batched against one backward per node, on a random tiny_llama.

The model has tiny_llama's shape (2 layers, d_model 128, 4 heads, MLP 512, vocab 4096) with
random weights and random components (C: q/k 64, v/o 128, c_fc 512, down_proj 512); the CI
function is a random global transformer whose output bias is lowered so that a 64-token
prompt has a few hundred nodes, as a trained decomposition would. Both methods run in the
same process, alternating, and the best of several runs of each is reported. The last line
of stdout is one JSON object. Run with `.venv/bin/python bench/analysis_graph.py`.
"""

import argparse
import json
import time
from collections.abc import Callable

import torch

from paramlens.decomp.ci_transformer import GlobalTransformerCI
from paramlens.decomp.component_model import ComponentModel
from paramlens.analysis.graphs.compute import compute_attribution_graph, compute_attribution_graph_naive
from paramlens.analysis.graphs.raw_graph import ComponentNodeData, RawGraph
from paramlens.analysis.graphs.settings import GraphSettings
from paramlens.targets.llama import Llama, LlamaConfig

SEQ_LEN = 64
C_PER_ROLE = {"q_proj": 64, "k_proj": 64, "v_proj": 128, "o_proj": 128}
C_MLP = 512
CI_BIAS = -1.0  # lowers every CI logit, leaving a few hundred of 180k (position, component) pairs
SETTINGS = GraphSettings(ci_threshold=0.1)


def build(
    device: torch.device,
) -> tuple[ComponentModel, GlobalTransformerCI, torch.Tensor]:
    torch.manual_seed(0)
    target = Llama(LlamaConfig(vocab_size=4096, n_layer=2, n_head=4, d_model=128, d_mlp=512))
    modules = {}
    for layer in range(2):
        modules |= {f"h.{layer}.attn.{role}": C for role, C in C_PER_ROLE.items()}
        modules |= {f"h.{layer}.mlp.c_fc": C_MLP, f"h.{layer}.mlp.down_proj": C_MLP}
    model = ComponentModel(target, modules, generator=torch.Generator().manual_seed(0))
    ci_fn = GlobalTransformerCI(model.decomposed, d_model=64, n_blocks=1, n_heads=4, d_ff=128)
    with torch.no_grad():
        ci_fn.output_proj.bias.fill_(CI_BIAS)
    token_ids = torch.randint(0, 4096, (1, SEQ_LEN))
    return model.to(device), ci_fn.to(device), token_ids.to(device)


def time_ms(run: Callable[[], RawGraph], device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    started = time.perf_counter()
    run()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--runs", type=int, default=5)
    # One thread by default: on shared CPUs, multi-threaded timings swing by several times.
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    model, ci_fn, token_ids = build(device)

    def batched() -> RawGraph:
        return compute_attribution_graph(model, ci_fn, token_ids, SETTINGS)

    def naive() -> RawGraph:
        return compute_attribution_graph_naive(model, ci_fn, token_ids, SETTINGS)

    graph, reference = batched(), naive()  # also warms both up
    if not (
        torch.equal(graph.edge_targets, reference.edge_targets)
        and torch.equal(graph.edge_sources, reference.edge_sources)
    ):
        raise SystemExit("the batched and naive graphs have different edges")
    scale = reference.edge_weights.abs().max().item()
    max_relative_difference = (
        graph.edge_weights - reference.edge_weights
    ).abs().max().item() / scale

    batched_ms, naive_ms = [], []
    for _ in range(args.runs):  # alternating, so load from other processes hits both alike
        batched_ms.append(time_ms(batched, device))
        naive_ms.append(time_ms(naive, device))
        print(f"batched {batched_ms[-1]:.1f} ms, naive {naive_ms[-1]:.1f} ms", flush=True)

    components = sum(isinstance(node, ComponentNodeData) for node in graph.nodes)
    result = {
        "graph_batched_ms": round(min(batched_ms), 1),
        "graph_naive_ms": round(min(naive_ms), 1),
        "graph_speedup_vs_naive": round(min(naive_ms) / min(batched_ms), 2),
        "nodes": len(graph.nodes),
        "component_nodes": components,
        "edges": len(graph.edge_weights),
        "seq_len": SEQ_LEN,
        "max_relative_edge_difference": max_relative_difference,
        "device": str(device),
        "threads": args.threads,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
