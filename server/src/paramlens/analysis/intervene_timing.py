"""Latency of interventions, for benchmarks: one keep-only intervention of a given length,
timed through any engine."""

import time

import numpy as np
from tokenizers import Tokenizer

from paramlens.analysis.export.engines import Engine
from paramlens.analysis.intervene import InterventionSpec, intervene
from paramlens.core.loaded_run import LoadedRun


def prompt_of_length(tokenizer: Tokenizer, text: str, n_tokens: int) -> str:
    """A prefix of `text` that the tokenizer reads as exactly `n_tokens` tokens."""
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    if len(ids) < n_tokens:
        raise ValueError(f"the text is {len(ids)} tokens; {n_tokens} were asked for")
    # Decoding a prefix can merge differently when encoded again, so shorten until it fits.
    for end in range(n_tokens, 0, -1):
        prompt = tokenizer.decode(ids[:end])
        if len(tokenizer.encode(prompt, add_special_tokens=False).ids) == n_tokens:
            return prompt
    raise ValueError(f"no prefix of the text is exactly {n_tokens} tokens")


def keep_spec(run: LoadedRun, prompt: str, n_kept: int = 16) -> InterventionSpec:
    """Keep the first `n_kept` subcomponents of every module: a typical small circuit."""
    ids = [
        f"{path}:{index}"
        for path, C in run.decomposition.model.module_C.items()
        for index in range(min(n_kept, C))
    ]
    return InterventionSpec(prompt=prompt, keep=ids)


def intervention_latencies(
    run: LoadedRun, spec: InterventionSpec, engine: Engine, repeats: int, warmup: int = 2
) -> list[float]:
    """Seconds per `intervene` call (tokenising, masks, forward, predictions), after warm-up."""
    for _ in range(warmup):
        intervene(run, spec, engine)
    latencies = []
    for _ in range(repeats):
        start = time.perf_counter()
        intervene(run, spec, engine)
        latencies.append(time.perf_counter() - start)
    return latencies


def p95(latencies: list[float]) -> float:
    return float(np.percentile(latencies, 95))
