"""Train the short tiny-Llama run as a run of examples/tiny_llama.decomp.yaml and harvest it.

Writes OUT_DIR/short-harvested/ (the run: run.json, modules.json, harvest.sqlite, ...) and
OUT_DIR/fixture.json, naming a subcomponent whose card has examples, for the editor tests that hover
and complete in a copy of examples/. The run is created the way the editor starts one from unsaved
text: from the example's path, with the short training (server/tests/lm_runs.py) as the submitted
text. So its run.json names `tiny_llama.decomp.yaml` and records the example's target, and in a copy
of examples/ it counts as a run of that copy's config (runs/ beside a config keep working when their
folder is moved). Usage: python makeHarvestedRun.py OUT_DIR
"""

import json
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import torch
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "server" / "tests"))

from lm_runs import SHORT, TINY_LLAMA  # noqa: E402
from paramlens.config.load import load_config_text  # noqa: E402
from paramlens.train.run import RunOptions, create_run, execute_run  # noqa: E402

RUN_ID = "short-harvested"
# Two batches of 32 sequences of 64 tokens: enough for most subcomponents to fire somewhere.
HARVEST_BATCHES = "2"
# The module whose cards the tests show; a word as the marked token keeps the assertion on it plain.
MODULE = "h.1.mlp.down_proj"
WORD = re.compile(r"^\s?[A-Za-z]{2,}$")


def short_config_text() -> str:
    config: dict[str, Any] = yaml.safe_load(TINY_LLAMA.read_text())
    for dotted, value in SHORT.items():
        *parents, key = dotted.split(".")
        node = config
        for parent in parents:
            node = node.setdefault(parent, {})
        node[key] = value
    return yaml.safe_dump(config, sort_keys=False)


def train(run_dir: Path) -> None:
    text = short_config_text()
    loaded = load_config_text(text, source=str(TINY_LLAMA), base_dir=TINY_LLAMA.parent)
    create_run(TINY_LLAMA, loaded, run_dir, config_text=text)
    torch.set_num_threads(1)
    manifest = execute_run(run_dir, RunOptions(progress=False))
    if manifest.status != "done":
        sys.exit(f"the short run ended with status {manifest.status}")


def harvest(run_dir: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "paramlens", "harvest", str(run_dir), "--batches", HARVEST_BATCHES],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def shown_component(harvest_db: Path) -> dict[str, Any]:
    """The lowest-indexed subcomponent of MODULE whose strongest example marks a word."""
    with closing(sqlite3.connect(harvest_db)) as db:
        rows = db.execute(
            "SELECT c.component, c.density, e.token_ids, e.marked FROM components c "
            "JOIN examples e ON e.module = c.module AND e.component = c.component AND e.rank = 0 "
            "WHERE c.module = ? ORDER BY c.component",
            (MODULE,),
        ).fetchall()
        vocab = dict(db.execute("SELECT token_id, text FROM vocab").fetchall())
    for component, density, token_ids, marked in rows:
        token = vocab[json.loads(token_ids)[marked]]
        if WORD.match(token):
            return {
                "id": f"{MODULE}:{component}",
                "density": density,
                "markedToken": token.strip(),
            }
    sys.exit(f"no subcomponent of {MODULE} has a word as its strongest example's token")


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out_dir = Path(sys.argv[1])
    run_dir = out_dir / RUN_ID
    train(run_dir)
    harvest(run_dir)
    fixture = {"runId": RUN_ID, "component": shown_component(run_dir / "harvest.sqlite")}
    (out_dir / "fixture.json").write_text(json.dumps(fixture, indent=2) + "\n")


if __name__ == "__main__":
    main()
