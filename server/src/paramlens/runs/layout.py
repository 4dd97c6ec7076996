"""Where things live in a run directory, and how runs are named."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

RUN_FILE = "run.json"
CONFIG_FILE = "config.yaml"
METRICS_FILE = "metrics.jsonl"
CHECKPOINTS_DIR = "checkpoints"
COMPONENTS_FILE = "components.safetensors"
DEFAULT_RUNS_DIR = "runs"

_CHECKPOINT = re.compile(r"^step-(\d+)\.safetensors$")


@dataclass(frozen=True)
class RunPaths:
    """The files of the run directory `root` (docs/formats.md)."""

    root: Path

    @property
    def run_json(self) -> Path:
        return self.root / RUN_FILE

    @property
    def config(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def metrics(self) -> Path:
        return self.root / METRICS_FILE

    @property
    def checkpoints(self) -> Path:
        return self.root / CHECKPOINTS_DIR

    @property
    def components(self) -> Path:
        return self.root / COMPONENTS_FILE

    def checkpoint(self, step: int) -> Path:
        return self.checkpoints / f"step-{step}.safetensors"

    def checkpoint_steps(self) -> list[int]:
        """Steps that have a checkpoint, ascending."""
        if not self.checkpoints.is_dir():
            return []
        found = (_CHECKPOINT.match(path.name) for path in self.checkpoints.iterdir())
        return sorted(int(match.group(1)) for match in found if match)

    def files(self) -> list[str]:
        """Every file in the run directory, relative to it, sorted; temporary files left out."""
        return sorted(
            str(path.relative_to(self.root))
            for path in self.root.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )


def config_stem(config_path: Path) -> str:
    """`tms_5-2.decomp.yaml` -> `tms_5-2`."""
    name = config_path.name
    for suffix in (".decomp.yaml", ".decomp.yml", ".yaml", ".yml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return config_path.stem


def new_run_id(config_path: Path, now: datetime | None = None) -> str:
    """`<config-stem>-<UTC yyyymmdd-HHMMSS>-<4 hex>`, e.g. `tms_5-2-20260521-142501-9f3a`."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"{config_stem(config_path)}-{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def default_run_dir(config_path: Path) -> Path:
    """`runs/<run-id>/` beside the config file."""
    return config_path.parent / DEFAULT_RUNS_DIR / new_run_id(config_path)
