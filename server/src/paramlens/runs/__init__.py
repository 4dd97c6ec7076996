"""Run directories (`runs/<run-id>/`, docs/formats.md): layout, manifest, metrics, tensor files.

Every file in a run directory is written atomically (`atomic.py`), except metrics.jsonl,
which is only ever appended to, one whole line at a time.
"""

from paramlens.runs.atomic import atomic_write, atomic_write_bytes, atomic_write_json
from paramlens.runs.components_file import ComponentsFile, load_components, save_components
from paramlens.runs.layout import RunPaths, default_run_dir, new_run_id
from paramlens.runs.manifest import (
    RESUMABLE,
    Manifest,
    ModuleRecord,
    Status,
    read_manifest,
    write_manifest,
)
from paramlens.runs.metrics_log import MetricsLog, read_metrics

__all__ = [
    "RESUMABLE",
    "ComponentsFile",
    "Manifest",
    "MetricsLog",
    "ModuleRecord",
    "RunPaths",
    "Status",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_json",
    "default_run_dir",
    "load_components",
    "new_run_id",
    "read_manifest",
    "read_metrics",
    "save_components",
    "write_manifest",
]
