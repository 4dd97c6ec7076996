"""Interventions: run a prompt (or a toy model's input vector) with only some subcomponents
kept, or with some ablated.

Keep-only sets the mask of the named subcomponents to 1 and every other to 0; ablate sets the
named ones to 0 and the rest to 1. The Δ component of every module is off (mask 0), as in the
"unmasked" evaluation, so keeping everything is that evaluation and ablating everything is
"zero_masked". The baseline each intervention is compared with is the unmasked model (all
masks 1, Δ off); both run as one batch of two. A language model's result is next-token
predictions per position; a toy model's is its output vector beside the unmasked one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field, model_validator
from tokenizers import Tokenizer

from paramlens.analysis.export.engines import Engine, EngineName, OnnxEngine, TorchEngine
from paramlens.analysis.export.feeds import Feeds, sequence_limit
from paramlens.analysis.export.masked_forward import MaskedForward, ModuleSlice, module_slices
from paramlens.analysis.export.sidecar import MODEL_FILE, read_sidecar
from paramlens.analysis.inputs import FeatureInputs, describe_features, parse_input, run_inputs
from paramlens.analysis.intervene_ids import MaskSelection, resolve_ids
from paramlens.core.loaded_run import LoadedRun


class InterventionSpec(BaseModel):
    prompt: str | None = Field(
        default=None, min_length=1, description="The text to run (language models)."
    )
    features: dict[int, float] | None = Field(
        default=None,
        min_length=1,
        description="Toy models: the input, feature index -> value; every other feature is 0.",
    )
    keep: list[str] | None = Field(
        default=None, min_length=1, description="Keep only these subcomponents or nodes."
    )
    ablate: list[str] | None = Field(
        default=None, min_length=1, description="Ablate these subcomponents or nodes."
    )
    target: str | None = Field(
        default=None, description="A token (its text, e.g. ' mat') whose probability to report."
    )
    target_output: int | None = Field(
        default=None, ge=0, description="Toy models: an output index whose value to report."
    )
    top_k: int = Field(default=10, ge=1, description="Number of predictions per position.")
    all_positions: bool = Field(
        default=False, description="Predictions at every position, not only the last."
    )

    @model_validator(mode="after")
    def _keep_or_ablate(self) -> "InterventionSpec":
        if (self.keep is None) == (self.ablate is None):
            raise ValueError("give exactly one of keep, ablate")
        if (self.prompt is None) == (self.features is None):
            raise ValueError("give exactly one of prompt (language models), features (toy models)")
        if self.features is not None and self.target is not None:
            raise ValueError("a toy model's target is an output index: give target_output")
        if self.prompt is not None and self.target_output is not None:
            raise ValueError("target_output is for toy models; a prompt's target is a token")
        return self

    @property
    def mode(self) -> Literal["keep", "ablate"]:
        return "keep" if self.keep is not None else "ablate"

    @property
    def ids(self) -> list[str]:
        return self.keep if self.keep is not None else (self.ablate or [])


class TokenText(BaseModel):
    id: int
    text: str  # the token decoded on its own


class Prediction(BaseModel):
    id: int
    token: str
    probability: float


class PositionResult(BaseModel):
    position: int
    token: TokenText  # the input token here; predictions are for the token after it
    predictions: list[Prediction]  # most probable next tokens with the intervention
    baseline: list[Prediction]  # the same for the unmasked model (all masks 1, Δ off)
    target_probability: float | None  # of the spec's target token, with the intervention
    baseline_target_probability: float | None
    kl_to_unmasked: float  # KL(unmasked ‖ intervened) of the next-token distributions, nats


class FeatureOutputs(BaseModel):
    values: list[float]  # the toy model's outputs with the intervention
    baseline: list[float]  # the same for the unmasked model (all masks 1, Δ off)
    mse_to_unmasked: float  # mean over the outputs of (value − baseline)²
    target_value: float | None  # of the spec's target output, with the intervention
    baseline_target_value: float | None


class InterventionResult(BaseModel):
    run_id: str
    weights_step: int
    engine: EngineName
    prompt: str  # toy models: the input, e.g. '1=1, 3=0.5'
    tokens: list[TokenText]  # toy models: the active features, e.g. 'feature 3'
    mode: Literal["keep", "ablate"]
    ids: list[str]
    target: TokenText | None  # toy models: the target output, e.g. 'output 3'
    positions: list[PositionResult]  # empty for toy models
    input_kind: Literal["tokens", "features"] = "tokens"
    features: dict[int, float] | None = None  # toy models: the input
    outputs: FeatureOutputs | None = None  # toy models


@dataclass(frozen=True)
class PreparedIntervention:
    """What an engine runs: the prompt's tokens (a toy input's active features), and masks
    for [intervened, unmasked]."""

    token_ids: list[int]
    selections: list[MaskSelection]
    target_id: int | None  # a token, or a toy model's output index
    feeds: Feeds


def intervene(
    run: LoadedRun, spec: InterventionSpec, engine: Engine | None = None
) -> InterventionResult:
    """Run `spec` on `run` with `engine` (default: the run's PyTorch modules)."""
    prepared = prepare_intervention(run, spec)
    engine = engine or torch_engine(run)
    output = engine.run(
        prepared.feeds.inputs, prepared.feeds.component_mask, prepared.feeds.delta_mask
    ).output
    if spec.features is not None:
        return _feature_result(run, spec, spec.features, prepared, engine.name, output)
    return _result(run, spec, prepared, engine.name, output)


def torch_engine(run: LoadedRun) -> TorchEngine:
    d = run.decomposition
    return TorchEngine(MaskedForward(d.model, d.ci_fn), d.device)


def onnx_engine(run: LoadedRun, threads: int | None = None) -> OnnxEngine:
    """The run's exported model.onnx; ValueError when it is missing or from other weights."""
    model = run.paths.root / MODEL_FILE
    sidecar = read_sidecar(model)
    if (sidecar.run_id, sidecar.weights_step) != (run.manifest.run_id, run.step):
        raise ValueError(
            f"{model} holds run {sidecar.run_id!r} at step {sidecar.weights_step}, but the run "
            f"is {run.manifest.run_id!r} at step {run.step}: run `paramlens export-onnx` again"
        )
    return OnnxEngine(model, threads)


def engine_for(run: LoadedRun, name: EngineName, threads: int | None = None) -> Engine:
    return torch_engine(run) if name == "torch" else onnx_engine(run, threads)


def prepare_intervention(run: LoadedRun, spec: InterventionSpec) -> PreparedIntervention:
    """The run's input (a prompt's tokens, or a toy's feature vector) and the masks; ValueError
    for a bad prompt, input, ID or target."""
    modules = module_slices(run.decomposition.model)
    inputs = run_inputs(run)
    model_input = parse_input(inputs, spec.prompt, spec.features)
    if isinstance(inputs, FeatureInputs):
        selections = resolve_ids(spec.ids, modules, None)
        row = model_input.batch[0].numpy().astype(np.float32)
        feeds = _feeds(row, modules, selections, spec.mode, None)
        features = [feature for feature, _ in model_input.active]
        return PreparedIntervention(features, selections, spec.target_output, feeds)
    token_ids = model_input.batch[0].tolist()
    limit = sequence_limit(run.decomposition.target.model)
    if limit is not None and len(token_ids) > limit:
        raise ValueError(f"the prompt is {len(token_ids)} tokens; the model takes at most {limit}")
    selections = resolve_ids(spec.ids, modules, len(token_ids))
    target_id = None if spec.target is None else target_token(inputs.tokenizer, spec.target)
    row = model_input.batch[0].numpy().astype(np.int64)
    feeds = _feeds(row, modules, selections, spec.mode, len(token_ids))
    return PreparedIntervention(token_ids, selections, target_id, feeds)


def target_token(tokenizer: Tokenizer, text: str) -> int:
    """The id of the token `text` (as the vocabulary or the encoder spells it)."""
    known = tokenizer.token_to_id(text)
    if known is not None:
        return int(known)
    encoding = tokenizer.encode(text, add_special_tokens=False)
    if len(encoding.ids) != 1:
        raise ValueError(
            f"target {text!r} is {len(encoding.ids)} tokens {encoding.tokens}, not one; "
            "give a single token, with its leading space where it has one (e.g. ' mat')"
        )
    return int(encoding.ids[0])


def component_mask(
    selections: Sequence[MaskSelection], mode: Literal["keep", "ablate"], shape: tuple[int, int]
) -> npt.NDArray[np.float32]:
    """(T, C_total): keep: 1 at the selections, 0 elsewhere; ablate: the reverse."""
    chosen = 1.0 if mode == "keep" else 0.0
    mask = np.full(shape, 1.0 - chosen, dtype=np.float32)
    for selection in selections:
        rows = slice(None) if selection.position is None else selection.position
        mask[rows, selection.column] = chosen
    return mask


def _feeds(
    row: npt.NDArray[np.generic],
    modules: list[ModuleSlice],
    selections: list[MaskSelection],
    mode: Literal["keep", "ablate"],
    n_positions: int | None,
) -> Feeds:
    """row: the token ids (T,) or a toy's features (n_features,), whose masks have no
    position axis (n_positions None)."""
    C_total = sum(module.C for module in modules)
    intervened = component_mask(selections, mode, (n_positions or 1, C_total))
    if n_positions is None:
        intervened = intervened[0]
    masks = np.stack([intervened, np.ones_like(intervened)])  # (2, [T,] C_total)
    return Feeds(
        np.stack([row, row]),
        masks,
        np.zeros((*masks.shape[:-1], len(modules)), dtype=np.float32),  # Δ off in both rows
    )


def _result(
    run: LoadedRun,
    spec: InterventionSpec,
    prepared: PreparedIntervention,
    engine: EngineName,
    logits: npt.NDArray[np.float32],
) -> InterventionResult:
    assert run.tokenizer is not None, "prepare_intervention checked the tokenizer"
    assert spec.prompt is not None, "prepare_intervention checked the prompt"
    tokenizer, prompt = run.tokenizer, spec.prompt
    tokens = [TokenText(id=i, text=_decode(tokenizer, i)) for i in prepared.token_ids]
    target = prepared.target_id
    if target is not None and target >= logits.shape[-1]:
        vocab = logits.shape[-1]
        raise ValueError(f"target {spec.target!r} is token {target}, beyond the model's {vocab}")

    def predictions(row: npt.NDArray[np.float64]) -> list[Prediction]:
        k = min(spec.top_k, row.size)
        candidates = np.argpartition(-row, k - 1)[:k]
        best = candidates[np.lexsort((candidates, -row[candidates]))]  # ties: lower id first
        return [
            Prediction(
                id=int(i), token=_decode(tokenizer, int(i)), probability=float(np.exp(row[i]))
            )
            for i in best
        ]

    def probability(row: npt.NDArray[np.float64]) -> float | None:
        return None if target is None else float(np.exp(row[target]))

    T = len(prepared.token_ids)
    positions = list(range(T)) if spec.all_positions else [T - 1]
    # float64, so that tiny probabilities do not underflow in the KL sum
    log_probs = _log_softmax(logits[:, positions].astype(np.float64))  # (2, positions, vocab)
    results = []
    for i, t in enumerate(positions):
        masked, unmasked = log_probs[0, i], log_probs[1, i]
        kl = float(np.sum(np.exp(unmasked) * (unmasked - masked)))
        results.append(
            PositionResult(
                position=t,
                token=tokens[t],
                predictions=predictions(masked),
                baseline=predictions(unmasked),
                target_probability=probability(masked),
                baseline_target_probability=probability(unmasked),
                kl_to_unmasked=max(0.0, kl),  # rounding can leave a tiny negative sum
            )
        )
    return InterventionResult(
        run_id=run.manifest.run_id,
        weights_step=run.step,
        engine=engine,
        prompt=prompt,
        tokens=tokens,
        mode=spec.mode,
        ids=spec.ids,
        target=None if target is None else TokenText(id=target, text=_decode(tokenizer, target)),
        positions=results,
    )


def _feature_result(
    run: LoadedRun,
    spec: InterventionSpec,
    features: dict[int, float],
    prepared: PreparedIntervention,
    engine: EngineName,
    output: npt.NDArray[np.float32],
) -> InterventionResult:
    values, baseline = output.astype(np.float64).reshape(2, -1)  # [intervened, unmasked]
    target = prepared.target_id
    if target is not None and target >= values.size:
        raise ValueError(
            f"target output {target} is out of range: the model has {values.size} outputs "
            f"(0–{values.size - 1})"
        )

    def at(row: npt.NDArray[np.float64]) -> float | None:
        return None if target is None else float(row[target])

    return InterventionResult(
        run_id=run.manifest.run_id,
        weights_step=run.step,
        engine=engine,
        prompt=describe_features(features),
        tokens=[TokenText(id=i, text=f"feature {i}") for i in prepared.token_ids],
        mode=spec.mode,
        ids=spec.ids,
        target=None if target is None else TokenText(id=target, text=f"output {target}"),
        positions=[],
        input_kind="features",
        features=dict(sorted(features.items())),
        outputs=FeatureOutputs(
            values=values.tolist(),
            baseline=baseline.tolist(),
            mse_to_unmasked=float(np.mean((values - baseline) ** 2)),
            target_value=at(values),
            baseline_target_value=at(baseline),
        ),
    )


def _decode(tokenizer: Tokenizer, token_id: int) -> str:
    return tokenizer.decode([token_id], skip_special_tokens=False)


def _log_softmax(logits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    result: npt.NDArray[np.float64] = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return result
