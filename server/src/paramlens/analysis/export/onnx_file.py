"""Export a finished decomposition to `model.onnx` with masks as inputs, plus its sidecar.

The graph is MaskedForward traced by torch.export (the `dynamo=True` exporter) with dynamic
batch and sequence axes. Before the files are put in place, onnxruntime runs the exported
graph on a batch of a different size and length than the one traced, and the export fails
when it does not reproduce PyTorch.
"""

import logging
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from paramlens.analysis.export.engines import OnnxEngine, TorchEngine
from paramlens.analysis.export.feeds import Feeds, ModelShape, model_shape, random_feeds
from paramlens.analysis.export.masked_forward import MaskedForward
from paramlens.analysis.export.sidecar import (
    MODEL_FILE,
    TOKENIZER_FILE,
    OnnxSidecar,
    SidecarModule,
    write_sidecar,
)
from paramlens.core.loaded_run import LoadedRun
from paramlens.runs.atomic import atomic_write_bytes
from paramlens.runs.manifest import read_manifest, write_manifest

DEFAULT_OPSET = 18
MIN_OPSET = 18  # the oldest opset the torch.export-based exporter writes
# Largest |ONNX − PyTorch| accepted on the check batch; float32 rounding stays far below it.
CHECK_TOLERANCE = 1e-3
_TRACE_BATCH, _TRACE_LENGTH = 2, 8
_CHECK_BATCH, _CHECK_LENGTH = 3, 5


@dataclass(frozen=True)
class OnnxExport:
    model: Path
    sidecar: Path
    tokenizer: Path | None  # the copy beside the model, for token runs that have one
    max_abs_diff: float  # largest |ONNX − PyTorch| over both outputs on the check batch


def input_names(shape: ModelShape) -> tuple[str, str, str]:
    first = "input_ids" if shape.input_kind == "tokens" else "features"
    return first, "component_mask", "delta_mask"


def output_names(shape: ModelShape) -> tuple[str, str]:
    return ("logits" if shape.input_kind == "tokens" else "output"), "ci"


def export_onnx(
    run: LoadedRun,
    out: Path | None = None,
    opset: int = DEFAULT_OPSET,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> OnnxExport:
    """Write `out` (default RUN_DIR/model.onnx), `out`.json and, for token runs, tokenizer.json.

    `on_stage` is called with the name of each stage as it starts (for progress display).
    """
    if opset < MIN_OPSET:
        raise ValueError(
            f"opset {opset} is too old: the exporter writes opset {MIN_OPSET} or newer"
        )
    if run.decomposition.device.type != "cpu":
        raise ValueError(f"export runs on the CPU; the run is loaded on {run.decomposition.device}")
    out = (run.paths.root / MODEL_FILE) if out is None else out
    shape = model_shape(run)
    forward = MaskedForward(run.decomposition.model, run.decomposition.ci_fn).eval()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as scratch:
        staged = Path(scratch) / out.name
        on_stage("export")
        export_graph(forward, shape, staged, opset)
        on_stage("check")
        diff = _check(forward, shape, staged)
        on_stage("write")
        for path in sorted(Path(scratch).iterdir(), key=lambda p: p == staged):
            os.replace(path, out.parent / path.name)  # external data (if any) before the graph
    tokenizer = _copy_tokenizer(run, out.parent)
    sidecar = write_sidecar(out, _sidecar(run, shape, opset, tokenizer, out.parent))
    _refresh_file_list(run, out)
    return OnnxExport(out, sidecar, tokenizer, diff)


def export_graph(forward: MaskedForward, shape: ModelShape, path: Path, opset: int) -> None:
    """Trace `forward` with dynamic batch (and sequence) axes and write it to `path`, checked."""
    import onnx

    feeds = random_feeds(shape, _TRACE_BATCH, _length(shape, _TRACE_LENGTH), seed=0)
    args = tuple(torch.from_numpy(array) for array in _arrays(feeds))
    batch = torch.export.Dim("batch")
    leading = {0: batch}
    if shape.input_kind == "tokens":
        leading[1] = torch.export.Dim("sequence", max=shape.max_seq_len)
    with torch.no_grad(), _quiet_exporter():
        program = torch.onnx.export(
            forward,
            args,
            dynamo=True,
            input_names=list(input_names(shape)),
            output_names=list(output_names(shape)),
            dynamic_shapes=(leading, leading, leading),
            opset_version=opset,
            verbose=False,
        )
    assert program is not None, "the dynamo exporter returns the program it exported"
    # One file up to protobuf's 2 GB limit; above it the weights go to `model.onnx.data`.
    n_bytes = sum(p.numel() * p.element_size() for p in forward.parameters())
    program.save(str(path), external_data=n_bytes > 1_500_000_000)
    onnx.checker.check_model(str(path))


def _check(forward: MaskedForward, shape: ModelShape, path: Path) -> float:
    feeds = random_feeds(shape, _CHECK_BATCH, _length(shape, _CHECK_LENGTH), seed=1)
    exported = OnnxEngine(path).run(*_arrays(feeds))
    expected = TorchEngine(forward, torch.device("cpu")).run(*_arrays(feeds))
    diff = max(
        float(np.abs(got - want).max()) for got, want in zip(exported, expected, strict=True)
    )
    if not diff <= CHECK_TOLERANCE:
        raise RuntimeError(
            f"the exported graph differs from PyTorch by {diff:.3g} (tolerance {CHECK_TOLERANCE})"
        )
    return diff


def _length(shape: ModelShape, wanted: int) -> int:
    return wanted if shape.max_seq_len is None else min(wanted, shape.max_seq_len)


def _arrays(feeds: Feeds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return feeds.inputs, feeds.component_mask, feeds.delta_mask


@contextmanager
def _quiet_exporter() -> Iterator[None]:
    """Silence the exporter's notes (missing torchvision ops, axis renames, deprecations)."""
    exporter_log = logging.getLogger("torch.onnx")
    level = exporter_log.level
    exporter_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        exporter_log.setLevel(level)


def _copy_tokenizer(run: LoadedRun, folder: Path) -> Path | None:
    """Copy the run's tokenizer.json into the run directory and beside the model."""
    data = run.config.data.text or run.config.data.tokens
    if data is None or data.tokenizer is None:
        return None
    text = (Path(run.manifest.base_dir) / data.tokenizer).read_bytes()
    copy = folder / TOKENIZER_FILE
    for destination in {run.paths.root / TOKENIZER_FILE, copy}:
        atomic_write_bytes(destination, text)
    return copy


def _sidecar(
    run: LoadedRun, shape: ModelShape, opset: int, tokenizer: Path | None, folder: Path
) -> OnnxSidecar:
    tokens = shape.input_kind == "tokens"
    return OnnxSidecar(
        run_id=run.manifest.run_id,
        weights_step=run.step,
        input_kind=shape.input_kind,
        modules=[SidecarModule(path=m.path, C=m.C, offset=m.offset) for m in shape.modules],
        C_total=shape.C_total,
        vocab_size=shape.n_inputs if tokens else None,
        n_features=None if tokens else shape.n_inputs,
        max_seq_len=shape.max_seq_len,
        opset=opset,
        tokenizer=None if tokenizer is None else tokenizer.relative_to(folder).as_posix(),
    )


def _refresh_file_list(run: LoadedRun, out: Path) -> None:
    """List the new files in run.json, unless the run is still being written by training."""
    root = run.paths.root.resolve()
    if not out.resolve().is_relative_to(root):
        return
    manifest = read_manifest(root)
    if manifest.status not in ("queued", "running"):
        write_manifest(root, manifest)
