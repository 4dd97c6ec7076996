"""Runs of `examples/tiny_llama.decomp.yaml` shared by the tests of one pytest session.

The built-in target is read from the target cache (~/.cache/paramlens, or $PARAMLENS_CACHE);
when it is not there yet, the first run trains it, which adds about six minutes.
"""

import os
from pathlib import Path
from typing import Any

import yaml

from paramlens.config import load_config
from paramlens.devices import single_thread
from paramlens.train.run import RunOptions, create_run, execute_run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TINY_LLAMA = EXAMPLES / "tiny_llama.decomp.yaml"

# A few steps after a short faithfulness warm-up: the weights are far from a good decomposition,
# but every analysis mechanism (harvest, graphs, interventions, export) works on them as on any run.
SHORT: dict[str, Any] = {
    "training.steps": 6,
    "training.faithfulness_warmup.steps": 60,
    "logging.log_every": 3,
    "logging.eval_every": 6,
    "logging.eval_batch_size": 4,
}


def tiny_llama_run(run_dir: Path, overrides: dict[str, Any] | None = None) -> Path:
    """Train the example config (with dotted-key `overrides`) into `run_dir` on one CPU thread."""
    config = yaml.safe_load(TINY_LLAMA.read_text())
    for dotted, value in (overrides or {}).items():
        *parents, key = dotted.split(".")
        node = config
        for parent in parents:
            node = node.setdefault(parent, {})
        node[key] = value
    # Data paths are relative to the config file, so the edited copy sits beside the original,
    # named by process too: parallel test workers have look-alike temporary directories.
    text = yaml.safe_dump(config, sort_keys=False)
    path = EXAMPLES / f".test-{os.getpid()}-{run_dir.parent.name}-{run_dir.name}.decomp.yaml"
    path.write_text(text)
    try:
        created = create_run(path, load_config(path), run_dir)
    finally:
        path.unlink()
    with single_thread():
        manifest = execute_run(created, RunOptions(progress=False))
    assert manifest.status == "done", manifest.status
    return created
