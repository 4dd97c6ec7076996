"""Interventions: run a prompt with only some subcomponents kept, or with some ablated.

Keep-only sets the mask of the named subcomponents to 1 and every other to 0; ablate sets the
named ones to 0 and the rest to 1. The Δ component of every module is off (mask 0), as in the
"unmasked" evaluation, so keeping everything is that evaluation and ablating everything is
"zero_masked". The baseline each intervention is compared with is the unmasked model (all
masks 1, Δ off); both run as one batch of two.
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
from paramlens.analysis.intervene_ids import MaskSelection, resolve_ids
from paramlens.analysis.loaded_run import LoadedRun


class InterventionSpec(BaseModel):
    prompt: str = Field(min_length=1, description="The text to run.")
    keep: list[str] | None = Field(
        default=None, min_length=1, description="Keep only these subcomponents or nodes."
    )
    ablate: list[str] | None = Field(
        default=None, min_length=1, description="Ablate these subcomponents or nodes."
    )
    target: str | None = Field(
        default=None, description="A token (its text, e.g. ' mat') whose probability to report."
    )
    top_k: int = Field(default=10, ge=1, description="Number of predictions per position.")
    all_positions: bool = Field(
        default=False, description="Predictions at every position, not only the last."
    )

    @model_validator(mode="after")
    def _keep_or_ablate(self) -> "InterventionSpec":
        if (self.keep is None) == (self.ablate is None):
            raise ValueError("give exactly one of keep, ablate")
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


class InterventionResult(BaseModel):
    run_id: str
    weights_step: int
    engine: EngineName
    prompt: str
    tokens: list[TokenText]
    mode: Literal["keep", "ablate"]
    ids: list[str]
    target: TokenText | None
    positions: list[PositionResult]


@dataclass(frozen=True)
class PreparedIntervention:
    """What an engine runs: the prompt's tokens, and masks for [intervened, unmasked]."""

    token_ids: list[int]
    selections: list[MaskSelection]
    target_id: int | None
    feeds: Feeds


def intervene(
    run: LoadedRun, spec: InterventionSpec, engine: Engine | None = None
) -> InterventionResult:
    """Run `spec` on `run` with `engine` (default: the run's PyTorch modules)."""
    prepared = prepare_intervention(run, spec)
    engine = engine or torch_engine(run)
    logits = engine.run(
        prepared.feeds.inputs, prepared.feeds.component_mask, prepared.feeds.delta_mask
    ).output
    return _result(run, spec, prepared, engine.name, logits)


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
    """Tokenise the prompt and build the masks; ValueError for a bad prompt, ID or target."""
    tokenizer = _tokenizer(run)
    token_ids = tokenizer.encode(spec.prompt, add_special_tokens=False).ids
    limit = sequence_limit(run.decomposition.target.model)
    if limit is not None and len(token_ids) > limit:
        raise ValueError(f"the prompt is {len(token_ids)} tokens; the model takes at most {limit}")
    modules = module_slices(run.decomposition.model)
    selections = resolve_ids(spec.ids, modules, len(token_ids))
    target_id = None if spec.target is None else target_token(tokenizer, spec.target)
    feeds = _feeds(token_ids, modules, selections, spec.mode)
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


def _tokenizer(run: LoadedRun) -> Tokenizer:
    if run.tokenizer is None:
        kind = run.decomposition.target.kind
        reason = "reads feature vectors" if kind == "toy" else "has no tokenizer in its config"
        raise ValueError(f"interventions take a text prompt, but this run's target {reason}")
    return run.tokenizer


def _feeds(
    token_ids: list[int],
    modules: list[ModuleSlice],
    selections: list[MaskSelection],
    mode: Literal["keep", "ablate"],
) -> Feeds:
    if not token_ids:
        raise ValueError("the prompt has no tokens")
    T, C_total = len(token_ids), sum(module.C for module in modules)
    intervened = component_mask(selections, mode, (T, C_total))
    masks = np.stack([intervened, np.ones_like(intervened)])  # (2, T, C_total)
    return Feeds(
        np.array([token_ids, token_ids], dtype=np.int64),
        masks,
        np.zeros((2, T, len(modules)), dtype=np.float32),  # Δ off in both rows
    )


def _result(
    run: LoadedRun,
    spec: InterventionSpec,
    prepared: PreparedIntervention,
    engine: EngineName,
    logits: npt.NDArray[np.float32],
) -> InterventionResult:
    assert run.tokenizer is not None, "prepare_intervention checked the tokenizer"
    tokenizer = run.tokenizer
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
        prompt=spec.prompt,
        tokens=tokens,
        mode=spec.mode,
        ids=spec.ids,
        target=None if target is None else TokenText(id=target, text=_decode(tokenizer, target)),
        positions=results,
    )


def _decode(tokenizer: Tokenizer, token_id: int) -> str:
    return tokenizer.decode([token_id], skip_special_tokens=False)


def _log_softmax(logits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    result: npt.NDArray[np.float64] = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return result
