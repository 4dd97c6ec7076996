"""`paramlens export-onnx`: model.onnx and its sidecar (docs/formats.md), and that onnxruntime
(Python and Node) reproduces PyTorch on batches and lengths other than the traced one."""

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from paramlens.analysis.export.engines import EngineOutput, OnnxEngine, TorchEngine
from paramlens.analysis.export.feeds import (
    Feeds,
    ModelShape,
    model_shape,
    random_feeds,
    runner_inputs,
)
from paramlens.analysis.export.masked_forward import MaskedForward, module_slices
from paramlens.analysis.export.onnx_file import (
    OnnxExport,
    export_graph,
    export_onnx,
    input_names,
    output_names,
)
from paramlens.analysis.export.sidecar import read_sidecar, sidecar_path
from paramlens.analysis.intervene import InterventionSpec, intervene, onnx_engine, torch_engine
from paramlens.cli import main
from paramlens.config import load_config
from paramlens.core.loaded_run import LoadedRun, load_run
from paramlens.decomp.ci_functions import causal_importance
from paramlens.decomp.ci_transformer import GlobalTransformerCI
from paramlens.decomp.component_model import ComponentModel
from paramlens.devices import single_thread
from paramlens.runs.layout import RunPaths
from paramlens.runs.manifest import read_manifest
from paramlens.targets.hf import load_hf_model, save_tiny_gpt2
from paramlens.train.run import RunOptions, create_run, execute_run
from train.conftest import SPD_SMALL, VPD_SMALL, write_config

REPO = Path(__file__).resolve().parents[3]
NODE_RUNNER = REPO / "test" / "support" / "onnxRun.ts"
TOLERANCE = 1e-4
GPT2_MODULES = ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")


@pytest.fixture(scope="module")
def one_thread() -> Iterator[None]:
    with single_thread():
        yield


@pytest.fixture(scope="module")
def exported(
    short_llama_run: Path, tmp_path_factory: pytest.TempPathFactory, one_thread: None
) -> tuple[LoadedRun, OnnxExport]:
    """A copy of the short tiny-Llama run, exported once for the whole module."""
    run_dir = tmp_path_factory.mktemp("export") / "run"
    shutil.copytree(short_llama_run, run_dir)
    run = load_run(run_dir, "cpu")
    return run, export_onnx(run)


def _torch_engine(run: LoadedRun) -> TorchEngine:
    d = run.decomposition
    return TorchEngine(MaskedForward(d.model, d.ci_fn), d.device)


def _run_both(run: LoadedRun, model: Path, feeds: Feeds) -> tuple[EngineOutput, EngineOutput]:
    arrays = (feeds.inputs, feeds.component_mask, feeds.delta_mask)
    return OnnxEngine(model, threads=1).run(*arrays), _torch_engine(run).run(*arrays)


def _max_diff(got: EngineOutput, want: EngineOutput) -> tuple[float, float]:
    return (
        float(np.abs(got.output - want.output).max()),
        float(np.abs(got.ci - want.ci).max()),
    )


def test_export_writes_the_model_its_sidecar_and_the_tokenizer(
    exported: tuple[LoadedRun, OnnxExport],
) -> None:
    run, result = exported
    root = run.paths.root

    assert result.model == root / "model.onnx"
    assert result.sidecar == root / "model.onnx.json" == sidecar_path(result.model)
    onnx.checker.check_model(str(result.model))
    assert result.max_abs_diff <= TOLERANCE
    sidecar = json.loads(result.sidecar.read_text())
    offsets = np.cumsum([0] + [m["C"] for m in sidecar["modules"]])
    assert sidecar == {
        "format_version": 1,
        "run_id": run.manifest.run_id,
        "weights_step": run.step,
        "input_kind": "tokens",
        "modules": [
            {"path": path, "C": C, "offset": int(offset)}
            for (path, C), offset in zip(
                run.decomposition.model.module_C.items(), offsets[:-1], strict=True
            )
        ],
        "C_total": 2048,
        "vocab_size": 4096,
        "max_seq_len": 128,
        "opset": 18,
        "tokenizer": "tokenizer.json",
    }
    assert [m["path"] for m in sidecar["modules"]] == sorted(m["path"] for m in sidecar["modules"])
    tokenizer_source = Path(run.manifest.base_dir) / "data" / "tokenizer.json"
    assert (root / "tokenizer.json").read_bytes() == tokenizer_source.read_bytes()
    files = read_manifest(root).files
    assert {"model.onnx", "model.onnx.json", "tokenizer.json"} <= set(files)
    assert not [path for path in root.iterdir() if path.name.startswith(".model.onnx")]


def test_graph_has_the_contract_inputs_and_outputs_with_dynamic_axes(
    exported: tuple[LoadedRun, OnnxExport],
) -> None:
    graph = onnx.load(str(exported[1].model), load_external_data=False).graph

    def axes(values: list[onnx.ValueInfoProto]) -> dict[str, list[str | int]]:
        return {
            value.name: [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]
            for value in values
        }

    assert axes(list(graph.input)) == {
        "input_ids": ["batch", "sequence"],
        "component_mask": ["batch", "sequence", 2048],
        "delta_mask": ["batch", "sequence", 12],
    }
    assert axes(list(graph.output)) == {
        "logits": ["batch", "sequence", 4096],
        "ci": ["batch", "sequence", 2048],
    }


@pytest.mark.parametrize(("batch", "length"), [(2, 13), (1, 1), (3, 128)])
def test_onnxruntime_matches_pytorch_with_random_masks(
    exported: tuple[LoadedRun, OnnxExport], batch: int, length: int
) -> None:
    run, result = exported
    feeds = random_feeds(model_shape(run), batch, length, seed=batch * 1000 + length)

    got, want = _run_both(run, result.model, feeds)

    assert got.output.shape == (batch, length, 4096)
    assert got.ci.shape == (batch, length, 2048)
    assert max(_max_diff(got, want)) <= TOLERANCE


def test_masked_forward_is_the_component_model_under_the_same_masks(
    exported: tuple[LoadedRun, OnnxExport],
) -> None:
    run, _ = exported
    d = run.decomposition
    feeds = random_feeds(model_shape(run), 2, 9, seed=7)
    ids = torch.from_numpy(feeds.inputs)
    cm, dm = torch.from_numpy(feeds.component_mask), torch.from_numpy(feeds.delta_mask)

    output, ci = MaskedForward(d.model, d.ci_fn)(ids, cm, dm)

    slices = module_slices(d.model)
    masks = {s.path: cm[..., s.offset : s.offset + s.C] for s in slices}
    delta_masks = {s.path: dm[..., i] for i, s in enumerate(slices)}
    with torch.no_grad():
        expected = d.model(ids, masks=masks, delta_masks=delta_masks).output
        clean = d.model(ids, cache=["inputs"])
        lower = causal_importance(d.ci_fn(clean.inputs, d.model.components_by_path)).lower
    torch.testing.assert_close(output, expected, rtol=0, atol=0)
    torch.testing.assert_close(ci, torch.cat([lower[s.path] for s in slices], -1), rtol=0, atol=0)


def test_all_masks_and_delta_on_reproduce_the_target(
    exported: tuple[LoadedRun, OnnxExport],
) -> None:
    run, result = exported
    ids = random_feeds(model_shape(run), 2, 10, seed=3).inputs
    ones = np.ones((2, 10, 2048), np.float32)

    got = OnnxEngine(result.model, threads=1).run(ids, ones, np.ones((2, 10, 12), np.float32))

    with torch.no_grad():
        target = run.decomposition.target.forward(torch.from_numpy(ids)).numpy()
    assert np.abs(got.output - target).max() <= TOLERANCE


def _require_node() -> None:
    """onnxruntime-node is how the editor runs a decomposition: its parity is not optional."""
    assert shutil.which("node") is not None, "node is not on PATH"
    for package in ("onnxruntime-node", "tsx"):
        installed = (REPO / "node_modules" / package).is_dir()
        assert installed, f"node_modules/{package} is missing: run `npm ci` at the repository root"


def run_with_node(
    model: Path, feeds: Feeds, names: tuple[str, str, str], tmp: Path
) -> EngineOutput:
    """model.onnx through onnxruntime-node (test/support/onnxRun.ts), one thread."""
    inputs, outputs = tmp / "inputs.json", tmp / "outputs.json"
    inputs.write_text(json.dumps(runner_inputs(feeds, names)))
    command = ["node", "--import", "tsx", str(NODE_RUNNER), str(model), str(inputs), str(outputs)]
    subprocess.run(
        [*command, "--threads", "1"], cwd=REPO, check=True, timeout=120, env=dict(os.environ)
    )
    written = json.loads(outputs.read_text())["outputs"]

    def array(name: str) -> np.ndarray:
        return np.array(written[name]["data"], np.float32).reshape(written[name]["dims"])

    first, ci = list(written)
    return EngineOutput(array(first), array(ci))


def test_onnxruntime_node_matches_pytorch(
    exported: tuple[LoadedRun, OnnxExport], tmp_path: Path
) -> None:
    _require_node()
    run, result = exported
    shape = model_shape(run)
    feeds = random_feeds(shape, 2, 17, seed=11)

    got = run_with_node(result.model, feeds, input_names(shape), tmp_path)

    want = _torch_engine(run).run(feeds.inputs, feeds.component_mask, feeds.delta_mask)
    assert max(_max_diff(got, want)) <= TOLERANCE


def test_interventions_through_onnx_match_pytorch(exported: tuple[LoadedRun, OnnxExport]) -> None:
    run, _ = exported
    spec = InterventionSpec(
        prompt="The cat sat on the mat",
        keep=["h.1.mlp.down_proj:12", "0.attn.q:5", "h.0.mlp.c_fc:3:40"],
        target=" the",
        all_positions=True,
    )

    through_onnx = intervene(run, spec, onnx_engine(run, threads=1))
    through_torch = intervene(run, spec, torch_engine(run))

    assert through_onnx.engine == "onnx"
    for got, want in zip(through_onnx.positions, through_torch.positions, strict=True):
        assert [p.id for p in got.predictions] == [p.id for p in want.predictions]
        probabilities = [
            (p.probability, q.probability)
            for p, q in zip(got.predictions, want.predictions, strict=True)
        ]
        assert all(abs(a - b) <= TOLERANCE for a, b in probabilities)
        assert got.kl_to_unmasked == pytest.approx(want.kl_to_unmasked, abs=TOLERANCE)


def test_onnx_engine_refuses_a_model_exported_from_other_weights(
    exported: tuple[LoadedRun, OnnxExport],
) -> None:
    run, result = exported
    sidecar = json.loads(result.sidecar.read_text())
    stale = run.paths.root / "stale"
    stale.mkdir()
    (stale / "model.onnx.json").write_text(json.dumps(sidecar | {"weights_step": run.step - 1}))

    assert read_sidecar(stale / "model.onnx").weights_step == run.step - 1
    with pytest.raises(ValueError, match=f"at step {run.step - 1}.*export-onnx` again"):
        onnx_engine(replace(run, paths=RunPaths(stale)))


def test_export_rejects_an_opset_the_exporter_cannot_write(
    exported: tuple[LoadedRun, OnnxExport], tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="opset 17 is too old"):
        export_onnx(exported[0], tmp_path / "model.onnx", opset=17)


# ---- toy targets: `features` in, `output` out ----


def _toy_run(directory: Path, config: dict[str, object]) -> Path:
    short = {**config, "training": {**SPD_SMALL["training"], "steps": 10}}
    path = write_config(directory, short)
    run_dir = create_run(path, load_config(path), directory / "run")
    execute_run(run_dir, RunOptions(progress=False))
    return run_dir


@pytest.mark.parametrize("config", [SPD_SMALL, VPD_SMALL], ids=["mlp-ci", "transformer-ci"])
def test_toy_export_from_the_command_line(
    quick_cache: Path,
    one_thread: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    config: dict[str, object],
) -> None:
    run_dir = _toy_run(tmp_path, config)

    assert main(["export-onnx", str(run_dir)]) == 0

    printed = json.loads(capsys.readouterr().out)
    assert printed["model"] == str(run_dir / "model.onnx")
    assert printed["tokenizer"] is None
    sidecar = json.loads((run_dir / "model.onnx.json").read_text())
    assert (sidecar["input_kind"], sidecar["n_features"], sidecar["C_total"]) == ("features", 5, 16)
    assert "vocab_size" not in sidecar
    assert (sidecar["tokenizer"], sidecar["max_seq_len"]) == (None, None)
    assert not (run_dir / "tokenizer.json").exists()
    run = load_run(run_dir, "cpu")
    shape = model_shape(run)
    assert (input_names(shape), output_names(shape)) == (
        ("features", "component_mask", "delta_mask"),
        ("output", "ci"),
    )
    feeds = random_feeds(shape, 7, 0, seed=5)
    got, want = _run_both(run, run_dir / "model.onnx", feeds)
    assert got.output.shape == (7, 5) and got.ci.shape == (7, 16)
    assert max(_max_diff(got, want)) <= TOLERANCE


def test_export_command_reports_a_missing_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export-onnx", str(tmp_path / "nowhere")]) == 2

    error = capsys.readouterr().err
    assert "paramlens export-onnx:" in error and "nowhere" in error
    assert "Traceback" not in error


@pytest.mark.slow
def test_gpt2_conv1d_modules_export(tmp_path: Path, one_thread: None) -> None:
    """Hugging Face GPT-2 (fused Conv1D attention and MLP) under a global transformer CI."""
    model = load_hf_model(save_tiny_gpt2(tmp_path / "gpt2", vocab_size=300))
    paths = [f"transformer.h.{i}.{name}" for i in range(2) for name in GPT2_MODULES]
    components = ComponentModel(
        model,
        dict.fromkeys(paths, 16),
        select_output=lambda out: out.logits,
        generator=torch.Generator().manual_seed(0),
    )
    forward = MaskedForward(components, GlobalTransformerCI(components.decomposed, 32, 1, 2, 64))
    shape = ModelShape("tokens", 300, 128, module_slices(components))

    export_graph(forward, shape, tmp_path / "model.onnx", opset=18)

    feeds = random_feeds(shape, 3, 6, seed=2)
    arrays = (feeds.inputs, feeds.component_mask, feeds.delta_mask)
    got = OnnxEngine(tmp_path / "model.onnx", threads=1).run(*arrays)
    want = TorchEngine(forward, torch.device("cpu")).run(*arrays)
    assert got.output.shape == (3, 6, 300)
    assert max(_max_diff(got, want)) <= TOLERANCE
