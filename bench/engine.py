"""Training-engine benchmark: steps/s, peak memory and a per-phase breakdown of a step.

    npm run bench:engine            # or: .venv/bin/python bench/engine.py [--quick]

Cases: SPD on TMS 5-2 with the settings of examples/tms_5-2.decomp.yaml, and VPD on a
randomly initialised tiny_llama with the settings of examples/tiny_llama.decomp.yaml on
random tokens (speed does not depend on what the weights have learned). Each case runs in
its own process, so that its peak memory is its own, and calls the real `train_step`.
The last stdout line is one JSON object; docs/performance.md explains its keys.
"""

import argparse
import dataclasses
import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from paramlens.config import DecompositionConfig, load_config
from paramlens.decomp.component_model import ComponentModel
from paramlens.decomp.module_patterns import resolve_module_patterns
from paramlens.decomp.output_losses import kl_output_loss, mse_output_loss
from paramlens.targets import LoadedTarget
from paramlens.targets import tms as tms_target
from paramlens.targets.builtins import get_builtin
from paramlens.targets.llama import Llama, LlamaConfig
from paramlens.targets.tms import TMS, TMSConfig
from paramlens.core.batches import Batches, make_batches
from paramlens.train.phases import PHASES, PhaseTimer
from paramlens.core.decomposition import Decomposition, make_ci_function
from paramlens.train.state import make_train_state
from paramlens.train.step import train_step
from paramlens.devices import threads_for

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = 0

# Dense bf16 peak of known accelerators, for model FLOPs utilisation (FLOP/s).
PEAK_BF16_FLOPS = {"H200": 989e12, "H100": 989e12, "A100": 312e12, "L40S": 362e12}


@dataclass(frozen=True)
class Case:
    """One measurement: `kind` "tms" or "lm"; C of every module times c_scale."""

    name: str
    kind: str
    device: str
    warmup: int  # untimed steps first (allocator, autograd and kernel caches settle)
    repeats: int  # timed blocks; the reported time per step is the median over blocks
    block: int  # steps per timed block (one device sync per block)
    phase_steps: int  # further steps run with the phase timer, 0 for none
    c_scale: float = 1.0
    seq_len: int = 128
    batch_size: int | None = None  # None: the example config's
    bf16: bool = False


class RandomTokens:
    """Uniform random token windows; batch `step` is a function of `step`, as in training."""

    def __init__(self, vocab_size: int, batch_size: int, seq_len: int) -> None:
        self.shape = (batch_size, seq_len)
        self.vocab_size = vocab_size

    def batch_at(self, step: int) -> Tensor:
        generator = torch.Generator().manual_seed(SEED * 1_000_003 + step)
        return torch.randint(0, self.vocab_size, self.shape, generator=generator)


def _with_training(config: DecompositionConfig, **changes: Any) -> DecompositionConfig:
    training = config.training.model_copy(update=changes)
    return config.model_copy(update={"training": training})


def _decomposition(case: Case, device: torch.device) -> Decomposition:
    torch.manual_seed(SEED)
    if case.kind == "tms":
        config = load_config(EXAMPLES / "tms_5-2.decomp.yaml").config
        arch = get_builtin("tms_5-2").arch
        assert isinstance(arch, TMSConfig)
        target_model: torch.nn.Module = TMS(arch)
        task = tms_target.task(arch)
        target = LoadedTarget(target_model, "toy", "mse", target_model, task, None, {})
    else:
        config = load_config(EXAMPLES / "tiny_llama.decomp.yaml").config
        arch = get_builtin("tiny_llama").arch
        assert isinstance(arch, LlamaConfig)
        target_model = Llama(arch)
        target = LoadedTarget(target_model, "lm", "kl", target_model, None, None, {})
    config = _with_training(
        config,
        batch_size=case.batch_size or config.training.batch_size,
        autocast_bf16=case.bf16,
    )
    target_model.to(device)
    patterns = [(module.pattern, module.C) for module in config.modules]
    module_C = {
        path: max(1, round(C * case.c_scale))
        for path, C in resolve_module_patterns(target_model, patterns).items()
    }
    init = torch.Generator().manual_seed(SEED)
    model = ComponentModel(target_model, module_C, generator=init)
    ci_fn = make_ci_function(config.ci_function, model.decomposed).to(device)
    if case.kind == "tms":
        batches = make_batches(config, EXAMPLES, target)
        output_loss = mse_output_loss
    else:
        vocab = arch.vocab_size
        batches = Batches(RandomTokens(vocab, config.training.batch_size, case.seq_len), ())
        output_loss = kl_output_loss
    return Decomposition(config, target, model, ci_fn, output_loss, device, lambda: batches)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _max_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS
    scale = 1 / 1024**2 if sys.platform == "darwin" else 1 / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _model_flops_per_step(d: Decomposition, batch: Tensor) -> float:
    """Analytic FLOPs of one VPD step on a Llama target (docs/performance.md, "FLOPs").

    A matmul (m×k)·(k×n) costs 2mkn; a pass that is backpropagated costs 3× its forward.
    """
    target = d.target.model
    assert isinstance(target, Llama)
    a = target.config
    B, T = batch.shape
    tokens = B * T
    per_layer = 4 * a.d_model**2 + 2 * a.d_model * a.d_mlp
    target_fwd = tokens * (
        2 * (a.n_layer * per_layer + a.d_model * a.vocab_size) + 4 * a.n_layer * T * a.d_model
    )
    components_fwd = tokens * sum(
        2 * (info.C * info.d_out + (0 if info.kind == "embedding" else info.d_in * info.C))
        for info in d.model.decomposed.values()
    )
    spec = d.config.ci_function
    d_in_total = sum(info.d_in for info in d.model.decomposed.values())
    C_total = sum(info.C for info in d.model.decomposed.values())
    dm = getattr(spec, "d_model", 0)
    ci_fwd = tokens * (
        2 * (d_in_total * dm + C_total * dm)
        + getattr(spec, "n_blocks", 0) * (2 * (4 * dm**2 + 2 * dm * getattr(spec, "d_ff", 0)))
        + getattr(spec, "n_blocks", 0) * 4 * T * dm
    )
    losses, training = d.config.losses, d.config.training
    masked_passes = 0
    if losses.stochastic_recon is not None:
        masked_passes += training.n_mask_samples
    if losses.ppgd_recon is not None:
        masked_passes += 1 + d.config.adversary.persistent.n_warmup_steps
    return float(target_fwd + 3 * ci_fwd + 3 * masked_passes * (target_fwd + components_fwd))


def run_case(case: Case) -> dict[str, Any]:
    """Measure one case in this process."""
    device = torch.device(case.device)
    rss_before = _max_rss_mb()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    d = _decomposition(case, device)
    state = make_train_state(d)

    def step(timer: PhaseTimer | None = None) -> None:
        # The body of train_loop for a step that writes no metric line.
        batch = d.to_device(d.batches.train.batch_at(state.step))
        train_step(d, state, batch, measure_l0=False, timer=timer)

    result: dict[str, Any] = {"case": case.name}
    with threads_for(d.config, device):
        for _ in range(case.warmup):
            step()
        _sync(device)
        block_seconds, block_cpu_seconds = [], []
        for _ in range(case.repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(case.block):
                step()
            _sync(device)
            block_seconds.append((time.perf_counter() - start) / case.block)
            block_cpu_seconds.append((time.process_time() - cpu_start) / case.block)
        step_s = statistics.median(block_seconds)
        result["step_ms"] = 1e3 * step_s
        # CPU time of all threads: steadier than wall time on a shared machine
        result["step_cpu_ms"] = 1e3 * statistics.median(block_cpu_seconds)
        result["steps_per_s"] = 1 / step_s
        result["threads"] = torch.get_num_threads()
        if case.phase_steps:
            result["phases"] = _phase_breakdown(d, device, step, case.phase_steps)
    if device.type == "cuda":
        result["peak_mem_mb"] = torch.cuda.max_memory_allocated(device) / 1024**2
    else:
        result["peak_mem_mb"] = _max_rss_mb() - rss_before
    if case.kind == "lm":
        batch = d.batches.train.batch_at(0)
        result["batch_shape"] = list(batch.shape)
        result["tokens_per_s"] = batch.numel() / step_s
        if device.type == "cuda":
            flops = _model_flops_per_step(d, batch)
            result["model_tflops_per_step"] = flops / 1e12
            peak = next(
                (v for k, v in PEAK_BF16_FLOPS.items() if k in torch.cuda.get_device_name(device)),
                None,
            )
            result["mfu"] = None if peak is None else flops / step_s / peak
    return result


def _phase_breakdown(
    d: Decomposition, device: torch.device, step: Any, n: int
) -> dict[str, dict[str, float]]:
    """Median ms per phase over n timed steps; other = step wall time − the named phases."""
    per_phase: dict[str, list[float]] = {name: [] for name in (*PHASES, "other")}
    for _ in range(n):
        timer = PhaseTimer(device)
        _sync(device)
        start = time.perf_counter()
        step(timer)
        _sync(device)
        wall = time.perf_counter() - start
        for name in PHASES:
            per_phase[name].append(timer.seconds[name])
        per_phase["other"].append(wall - sum(timer.seconds.values()))
    medians = {name: 1e3 * statistics.median(values) for name, values in per_phase.items()}
    total = sum(medians.values())
    return {name: {"ms": ms, "fraction": ms / total} for name, ms in medians.items()}


def _cases(device: str, quick: bool) -> list[Case]:
    cuda = device == "cuda"
    tms = Case(
        "tms_spd",
        "tms",
        device,
        warmup=20,
        repeats=10 if quick else 30,
        block=10,
        phase_steps=20 if quick else 50,
    )
    # A CPU step of the LM takes a good part of a second: fewer steps, and a smaller batch.
    lm = Case(
        "lm_vpd",
        "lm",
        device,
        warmup=3,
        repeats=10 if cuda else 3 if quick else 5,
        block=10 if cuda else 1,
        phase_steps=3 if quick else 5,
        batch_size=None if cuda else 8,
    )
    scaled = dataclasses.replace(lm, warmup=2, phase_steps=0)
    cases = [tms, lm]
    cases += [
        dataclasses.replace(scaled, name=f"lm_vpd_c{scale:g}", c_scale=scale)
        for scale in (0.5, 2.0)
    ]
    cases += [
        dataclasses.replace(scaled, name=f"lm_vpd_t{seq_len}", seq_len=seq_len)
        for seq_len in (32, 64)
    ]
    if cuda:
        cases.append(dataclasses.replace(lm, name="lm_vpd_bf16", bf16=True))
    return cases


def _run_in_child(case: Case) -> dict[str, Any]:
    spec = json.dumps(dataclasses.asdict(case))
    done = subprocess.run(
        [sys.executable, __file__, "--case", spec], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"case {case.name} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def summarise(results: dict[str, dict[str, Any]], device: str) -> dict[str, Any]:
    """The benchmark's JSON line from the per-case results."""
    tms, lm = results["tms_spd"], results["lm_vpd"]
    summary: dict[str, Any] = {
        "device": device,
        "cuda": device == "cuda",
        "mem_kind": "cuda" if device == "cuda" else "rss",
        "threads": lm["threads"],
        "tms_threads": tms["threads"],
        "tms_spd_steps_per_s": tms["steps_per_s"],
        "tms_spd_step_cpu_ms": tms["step_cpu_ms"],
        "tms_spd_peak_mem_mb": tms["peak_mem_mb"],
        "tms_spd_other_fraction": tms["phases"]["other"]["fraction"],
        "lm_vpd_batch_shape": lm["batch_shape"],
        "lm_vpd_steps_per_s": lm["steps_per_s"],
        "lm_vpd_step_ms": lm["step_ms"],
        "lm_vpd_step_cpu_ms": lm["step_cpu_ms"],
        "lm_vpd_tokens_per_s": lm["tokens_per_s"],
        "lm_vpd_peak_mem_mb": lm["peak_mem_mb"],
        "lm_vpd_other_fraction": lm["phases"]["other"]["fraction"],
        "lm_vpd_phases_ms": {k: v["ms"] for k, v in lm["phases"].items()},
        "lm_vpd_phases_fraction": {k: v["fraction"] for k, v in lm["phases"].items()},
        "lm_vpd_step_ms_by_c_scale": {
            f"{scale:g}": results[name]["step_ms"]
            for scale, name in ((0.5, "lm_vpd_c0.5"), (1.0, "lm_vpd"), (2.0, "lm_vpd_c2"))
        },
        "lm_vpd_step_ms_by_seq_len": {
            str(seq_len): results[name]["step_ms"]
            for seq_len, name in ((32, "lm_vpd_t32"), (64, "lm_vpd_t64"), (128, "lm_vpd"))
        },
        "tms_spd_phases_fraction": {k: v["fraction"] for k, v in tms["phases"].items()},
    }
    if device == "cuda":
        bf16 = results["lm_vpd_bf16"]
        summary |= {
            "lm_vpd_model_tflops_per_step": lm["model_tflops_per_step"],
            "lm_vpd_mfu": lm["mfu"],
            "lm_vpd_bf16_steps_per_s": bf16["steps_per_s"],
            "lm_vpd_bf16_tokens_per_s": bf16["tokens_per_s"],
            "lm_vpd_bf16_peak_mem_mb": bf16["peak_mem_mb"],
            "lm_vpd_bf16_mfu": bf16["mfu"],
            "lm_vpd_bf16_other_fraction": bf16["phases"]["other"]["fraction"],
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer timed steps")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # a child process's one case, as JSON
    args = parser.parse_args()
    if args.case is not None:
        print(json.dumps(run_case(Case(**json.loads(args.case)))))
        return
    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    results = {}
    for case in _cases(device, args.quick):
        result = _run_in_child(case)
        results[case.name] = result
        shown = f"{result['steps_per_s']:.2f} steps/s, {result['step_ms']:.1f} ms/step"
        print(f"{case.name:>14}: {shown}, peak {result['peak_mem_mb']:.0f} MB", flush=True)
    print(json.dumps(summarise(results, device)))


if __name__ == "__main__":
    main()
