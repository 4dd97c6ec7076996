"""Interventions on the short tiny-Llama run and on a toy (TMS 5-2) run: keep-only and ablate
masks against direct masked forwards and the evaluation's mask kinds, ID resolution, and the
`paramlens intervene` command."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

from paramlens.analysis.export.masked_forward import module_slices
from paramlens.analysis.export.onnx_file import export_onnx
from paramlens.analysis.intervene import (
    InterventionResult,
    InterventionSpec,
    intervene,
    onnx_engine,
    prepare_intervention,
    torch_engine,
)
from paramlens.analysis.intervene_ids import MaskSelection, resolve_ids
from paramlens.analysis.intervene_timing import (
    intervention_latencies,
    keep_spec,
    p95,
    prompt_of_length,
)
from paramlens.cli import main
from paramlens.core.loaded_run import LoadedRun, load_run
from paramlens.decomp.ci_functions import causal_importance
from paramlens.devices import single_thread
from paramlens.evaluate.mask_kinds import eval_masks

PROMPT = "The cat sat on the mat"


@pytest.fixture(scope="module")
def run(short_llama_run: Path) -> Iterator[LoadedRun]:
    with single_thread():
        yield load_run(short_llama_run, "cpu")


def _ids(run: LoadedRun) -> torch.Tensor:
    assert run.tokenizer is not None
    return torch.tensor([run.tokenizer.encode(PROMPT, add_special_tokens=False).ids])


def _all_subcomponents(run: LoadedRun) -> list[str]:
    return [f"{path}:{i}" for path, C in run.decomposition.model.module_C.items() for i in range(C)]


def _evaluation_logits(run: LoadedRun, kind: str) -> torch.Tensor:
    """Logits (1, T, vocab) under one of the evaluation's mask kinds (spec §9)."""
    d = run.decomposition
    ids = _ids(run)
    with torch.no_grad():
        clean = d.model(ids, cache=["inputs"])
        ci = causal_importance(d.ci_fn(clean.inputs, d.model.components_by_path)).lower
        masks = dict(eval_masks(ci, 0.1, torch.Generator().manual_seed(0)))[kind]
        return d.model(ids, masks=masks[0], delta_masks=masks[1]).output


def _intervened_logits(run: LoadedRun, spec: InterventionSpec) -> np.ndarray:
    feeds = prepare_intervention(run, spec).feeds
    return torch_engine(run).run(feeds.inputs, feeds.component_mask, feeds.delta_mask).output


def test_keeping_everything_is_the_unmasked_evaluation(run: LoadedRun) -> None:
    spec = InterventionSpec(prompt=PROMPT, keep=_all_subcomponents(run))

    logits = _intervened_logits(run, spec)
    result = intervene(run, spec)

    unmasked = _evaluation_logits(run, "unmasked")[0].numpy()
    np.testing.assert_allclose(logits[0], unmasked, rtol=0, atol=1e-5)
    np.testing.assert_allclose(logits[1], unmasked, rtol=0, atol=1e-5)
    (last,) = result.positions
    assert last.kl_to_unmasked == pytest.approx(0, abs=1e-9)
    assert last.predictions == last.baseline


def test_ablating_everything_is_the_zero_masked_evaluation(run: LoadedRun) -> None:
    spec = InterventionSpec(prompt=PROMPT, ablate=_all_subcomponents(run))

    logits = _intervened_logits(run, spec)

    zero = _evaluation_logits(run, "zero_masked")[0].numpy()
    np.testing.assert_allclose(logits[0], zero, rtol=0, atol=1e-5)


@pytest.mark.parametrize("mode", ["keep", "ablate"])
def test_an_intervention_is_the_direct_masked_forward(run: LoadedRun, mode: str) -> None:
    ids = ["h.1.mlp.down_proj:12", "0.attn.q:5", "h.0.mlp.c_fc:3:40", "1.mlp.up:2:7"]
    spec = InterventionSpec.model_validate(
        {"prompt": PROMPT, mode: ids, "target": " the", "top_k": 5, "all_positions": True}
    )

    result = intervene(run, spec)

    d = run.decomposition
    token_ids = _ids(run)
    T = token_ids.shape[1]
    chosen, rest = (1.0, 0.0) if mode == "keep" else (0.0, 1.0)
    masks = {path: torch.full((1, T, C), rest) for path, C in d.model.module_C.items()}
    masks["h.1.mlp.down_proj"][..., 12] = chosen
    masks["h.0.attn.q_proj"][..., 5] = chosen
    masks["h.0.mlp.c_fc"][:, 3, 40] = chosen
    masks["h.1.mlp.c_fc"][:, 2, 7] = chosen
    with torch.no_grad():
        expected = torch.log_softmax(d.model(token_ids, masks=masks).output[0].double(), -1)
        baseline = torch.log_softmax(_evaluation_logits(run, "unmasked")[0].double(), -1)
    assert run.tokenizer is not None
    target = run.tokenizer.encode(" the", add_special_tokens=False).ids[0]
    assert result.target is not None and result.target.id == target
    assert [p.position for p in result.positions] == list(range(T))
    for position in result.positions:
        row, base = expected[position.position], baseline[position.position]
        top = torch.topk(row, 5).indices.tolist()
        assert [p.id for p in position.predictions] == top
        got = [p.probability for p in position.predictions]
        np.testing.assert_allclose(got, row[top].exp().numpy(), rtol=0, atol=1e-5)
        assert position.target_probability == pytest.approx(float(row[target].exp()), abs=1e-5)
        assert position.baseline_target_probability == pytest.approx(
            float(base[target].exp()), abs=1e-5
        )
        kl = float((base.exp() * (base - row)).sum())
        assert position.kl_to_unmasked == pytest.approx(max(kl, 0.0), abs=1e-5)


def test_a_node_id_changes_only_its_position_and_later_ones(run: LoadedRun) -> None:
    spec = InterventionSpec(prompt=PROMPT, ablate=["h.0.mlp.down_proj:4:3"], all_positions=True)

    result = intervene(run, spec)

    kls = [position.kl_to_unmasked for position in result.positions]
    assert kls[:4] == pytest.approx([0.0] * 4, abs=1e-9)
    assert kls[4] > 0


def test_short_names_resolve_to_the_runs_modules(run: LoadedRun) -> None:
    modules = module_slices(run.decomposition.model)
    by_path = {m.path: m for m in modules}

    resolved = resolve_ids(["1.mlp.down:12", "0.attn.q:5", "1.mlp.up:3:7"], modules, 8)

    assert resolved == [
        MaskSelection(by_path["h.1.mlp.down_proj"].offset + 12, None),
        MaskSelection(by_path["h.0.attn.q_proj"].offset + 5, None),
        MaskSelection(by_path["h.1.mlp.c_fc"].offset + 7, 3),
    ]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            "h.1.mlp.down_proj:256",
            "index 256 is out of range: h.1.mlp.down_proj has C = 256 (indices 0–255)",
        ),
        (
            "h.9.mlp.down_proj:1",
            "no decomposed module 'h.9.mlp.down_proj'; its modules are h.0.attn.k_proj, ",
        ),
        ("5.mlp.down:1", "no decomposed module '5.mlp.down'"),
        (
            "h.1.mlp.down_proj:8:1",
            "position 8 is out of range: the prompt has 8 tokens (positions 0–7)",
        ),
        ("output:7:3", "pseudo-nodes (embed, output) have no mask"),
        ("embed:2", "pseudo-nodes (embed, output) have no mask"),
        ("h.1.mlp.down_proj", "is not a subcomponent ID"),
        ("h.1.mlp.down_proj:x", "index must be a non-negative integer, got 'x'"),
    ],
)
def test_bad_ids_are_named_with_what_is_valid(run: LoadedRun, bad: str, message: str) -> None:
    spec = InterventionSpec(prompt=PROMPT, keep=["h.0.attn.q_proj:1", bad])

    with pytest.raises(ValueError) as error:
        prepare_intervention(run, spec)

    assert bad in str(error.value)
    assert message in str(error.value)


def test_bad_targets_and_prompts_are_explained(run: LoadedRun) -> None:
    with pytest.raises(ValueError, match=r"target ' the cat' is \d+ tokens .* not one"):
        prepare_intervention(
            run, InterventionSpec(prompt=PROMPT, keep=["0.attn.q:1"], target=" the cat")
        )
    with pytest.raises(ValueError, match="the model takes at most 128"):
        prepare_intervention(run, InterventionSpec(prompt="cat " * 200, keep=["0.attn.q:1"]))
    with pytest.raises(ValueError, match="exactly one of keep, ablate"):
        InterventionSpec(prompt=PROMPT)


def test_intervene_command_prints_json_and_text(
    short_llama_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "intervene",
        str(short_llama_run),
        "--prompt",
        PROMPT,
        "--keep",
        "1.mlp.down:12,0.attn.q:5",
    ]

    assert main([*args, "--json", "--top-k", "3", "--target", " the"]) == 0
    result = InterventionResult.model_validate_json(capsys.readouterr().out)
    assert (result.mode, result.ids, result.engine) == (
        "keep",
        ["1.mlp.down:12", "0.attn.q:5"],
        "torch",
    )
    assert len(result.positions) == 1 and len(result.positions[0].predictions) == 3

    assert main(args) == 0
    text = capsys.readouterr().out
    assert "keep 2 ID(s) · Δ off · engine torch" in text
    assert "KL(unmasked ‖ keep)" in text


def test_intervene_command_reports_bad_input_without_a_traceback(
    short_llama_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["intervene", str(short_llama_run), "--prompt", PROMPT]

    assert main([*args, "--ablate", "h.1.mlp.down_proj:999"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("paramlens intervene: h.1.mlp.down_proj:999: index 999 is out of range")
    assert "Traceback" not in error
    assert main([*args, "--keep", "1.mlp.down:1", "--engine", "onnx"]) == 2
    assert "run `paramlens export-onnx` on the run first" in capsys.readouterr().err


def test_latency_helpers_time_a_keep_intervention(run: LoadedRun) -> None:
    assert run.tokenizer is not None
    text = " ".join(["the cat sat on the mat and looked at the dog"] * 20)

    prompt = prompt_of_length(run.tokenizer, text, 64)
    latencies = intervention_latencies(run, keep_spec(run, prompt), torch_engine(run), repeats=3)

    assert len(run.tokenizer.encode(prompt, add_special_tokens=False).ids) == 64
    assert len(latencies) == 3 and p95(latencies) > 0
    assert json.loads(keep_spec(run, prompt).model_dump_json())["keep"][0] == "h.0.attn.k_proj:0"


# ---- toy models: an input vector in, the output vector beside the unmasked one out ----

TOY_INPUT = {1: 1.0, 3: 0.5}


@pytest.fixture(scope="module")
def toy(toy_run: Path) -> LoadedRun:
    return load_run(toy_run, "cpu")


def _toy_output(toy: LoadedRun, masks: dict[str, torch.Tensor]) -> np.ndarray:
    """The toy's output on TOY_INPUT with masks path -> (C,) and Δ off, computed here."""
    x = torch.zeros(1, 5)
    for feature, value in TOY_INPUT.items():
        x[0, feature] = value
    with torch.no_grad():
        output = toy.decomposition.model(x, masks={p: m[None] for p, m in masks.items()}).output
    return output[0].numpy()


def _toy_masks(toy: LoadedRun, value: float) -> dict[str, torch.Tensor]:
    return {path: torch.full((C,), value) for path, C in toy.decomposition.model.module_C.items()}


def test_a_toy_keeping_everything_gives_the_unmasked_outputs(toy: LoadedRun) -> None:
    spec = InterventionSpec(features=TOY_INPUT, keep=_all_subcomponents(toy), target_output=1)

    result = intervene(toy, spec)

    outputs = result.outputs
    assert outputs is not None and result.input_kind == "features" and result.positions == []
    unmasked = _toy_output(toy, _toy_masks(toy, 1.0))
    np.testing.assert_allclose(outputs.baseline, unmasked, rtol=0, atol=1e-6)
    np.testing.assert_allclose(outputs.values, unmasked, rtol=0, atol=1e-6)
    assert outputs.mse_to_unmasked == pytest.approx(0, abs=1e-12)
    assert outputs.target_value == outputs.baseline_target_value == pytest.approx(unmasked[1])
    assert (result.prompt, [t.text for t in result.tokens]) == (
        "1=1, 3=0.5",
        ["feature 1", "feature 3"],
    )
    assert result.target is not None and result.target.text == "output 1"


def test_a_toy_ablating_everything_gives_the_zero_mask_output(toy: LoadedRun) -> None:
    spec = InterventionSpec(features=TOY_INPUT, ablate=_all_subcomponents(toy))

    outputs = intervene(toy, spec).outputs

    assert outputs is not None and outputs.target_value is None
    zero = _toy_output(toy, _toy_masks(toy, 0.0))
    np.testing.assert_allclose(outputs.values, zero, rtol=0, atol=1e-6)
    baseline = np.array(outputs.baseline)
    assert outputs.mse_to_unmasked == pytest.approx(float(np.mean((zero - baseline) ** 2)))


@pytest.mark.parametrize("mode", ["keep", "ablate"])
def test_a_toy_intervention_is_the_direct_masked_forward(toy: LoadedRun, mode: str) -> None:
    spec = InterventionSpec.model_validate(
        {"features": TOY_INPUT, mode: ["linear1:2", "linear2:0", "linear2:7"]}
    )

    outputs = intervene(toy, spec).outputs

    chosen, rest = (1.0, 0.0) if mode == "keep" else (0.0, 1.0)
    masks = _toy_masks(toy, rest)
    masks["linear1"][2] = masks["linear2"][0] = masks["linear2"][7] = chosen
    assert outputs is not None
    np.testing.assert_allclose(outputs.values, _toy_output(toy, masks), rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("linear1:8", "linear1:8: index 8 is out of range: linear1 has C = 8 (indices 0–7)"),
        ("linear3:1", "no decomposed module 'linear3'; its modules are linear1, linear2"),
        ("linear1:0:3", "input has no positions: give MODULE:INDEX, e.g. linear1:0"),
        ("embed:0", "pseudo-nodes (embed, output) have no mask"),
    ],
)
def test_bad_toy_ids_are_named_with_what_is_valid(toy: LoadedRun, bad: str, message: str) -> None:
    spec = InterventionSpec(features=TOY_INPUT, keep=["linear1:1", bad])

    with pytest.raises(ValueError) as error:
        prepare_intervention(toy, spec)

    assert bad in str(error.value) and message in str(error.value)


def test_bad_toy_inputs_and_targets_are_explained(toy: LoadedRun, run: LoadedRun) -> None:
    def spec(**fields: object) -> InterventionSpec:
        return InterventionSpec.model_validate({"keep": ["linear1:1"], **fields})

    with pytest.raises(ValueError, match=r"feature 5 is out of range: the model has 5 features"):
        prepare_intervention(toy, spec(features={5: 1.0}))
    with pytest.raises(ValueError, match="feature 2 has value inf"):
        prepare_intervention(toy, spec(features={2: float("inf")}))
    with pytest.raises(ValueError, match="target output 5 is out of range: .* 5 outputs"):
        intervene(toy, spec(features=TOY_INPUT, target_output=5))
    with pytest.raises(ValueError, match="decomposes a toy model, which reads feature vectors"):
        prepare_intervention(toy, spec(prompt=PROMPT))
    with pytest.raises(ValueError, match="decomposes a language model: give a prompt"):
        prepare_intervention(run, spec(features=TOY_INPUT))
    with pytest.raises(ValueError, match="exactly one of prompt .*, features"):
        spec(prompt=PROMPT, features=TOY_INPUT)
    with pytest.raises(ValueError, match="give target_output"):
        spec(features=TOY_INPUT, target="1")


def test_intervene_command_on_a_toy(toy_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["intervene", str(toy_run), "--input", "1=1,3=0.5", "--ablate", "linear1:2"]

    assert main([*args, "--target", "3", "--json"]) == 0
    result = InterventionResult.model_validate_json(capsys.readouterr().out)
    assert result.features == TOY_INPUT and result.target is not None and result.target.id == 3
    assert result.outputs is not None and len(result.outputs.values) == 5

    assert main([*args, "--top-k", "2"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[1] == "input: 1=1, 3=0.5 (2 active features)"
    assert text[2].startswith("MSE(unmasked, ablate) = ") and text[2].endswith(" over 5 outputs")
    assert text[3].split() == ["output", "ablate", "unmasked"] and len(text) == 7
    assert text[-1] == "  (the 2 largest of 5 outputs; --json lists all)"

    assert main(["intervene", str(toy_run), "--features", "1", "--keep", "l:1"]) == 2
    assert "its modules are linear1, linear2" in capsys.readouterr().err
    assert main([*args, "--target", "x"]) == 2
    assert "a toy model's --target is an output index (0, 1, …), got 'x'" in capsys.readouterr().err


def test_a_toy_intervention_through_onnx_matches_torch(toy_run: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    shutil.copytree(toy_run, run_dir)
    toy = load_run(run_dir, "cpu")
    export_onnx(toy)
    spec = InterventionSpec(features=TOY_INPUT, keep=["linear1:2", "linear2:0"], target_output=1)

    through_onnx = intervene(toy, spec, onnx_engine(toy, threads=1))
    through_torch = intervene(toy, spec)

    assert through_onnx.engine == "onnx" and through_onnx.outputs and through_torch.outputs
    np.testing.assert_allclose(
        through_onnx.outputs.values, through_torch.outputs.values, rtol=0, atol=1e-5
    )
