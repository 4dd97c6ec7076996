"""Checks that span several sections of a config; each raises KeyPathError at the key to fix."""

from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase

from paramlens.config.sections.analysis import Analysis
from paramlens.config.sections.base import KeyPath, KeyPathError
from paramlens.config.sections.ci_function import GlobalTransformerCi
from paramlens.config.sections.data import Data
from paramlens.config.sections.losses import Losses
from paramlens.config.sections.modules import ModuleSpec
from paramlens.config.sections.target import Target
from paramlens.config.sections.training import Training
from paramlens.ids import parse_short_subcomponent_id, parse_subcomponent_id


def check_unique_patterns(modules: Sequence[ModuleSpec]) -> None:
    seen: dict[str, int] = {}
    for index, module in enumerate(modules):
        if module.pattern in seen:
            raise KeyPathError(
                ("modules", index, "pattern"),
                f"pattern {module.pattern!r} already appears in modules[{seen[module.pattern]}]",
            )
        seen[module.pattern] = index


def check_data_fits_target(target: Target, data: Data) -> None:
    if target.is_toy and data.kind != "synthetic":
        raise KeyPathError(
            ("data", data.kind),
            f"the toy target {target.builtin} reads synthetic sparse features: use data.synthetic",
        )
    if target.is_language_model and data.kind == "synthetic":
        raise KeyPathError(
            ("data", "synthetic"),
            "a language model reads tokens: use data.text or data.tokens",
        )


def check_sequence_fits(ci_function: object, data: Data) -> None:
    seq_len = data.seq_len
    if isinstance(ci_function, GlobalTransformerCi) and seq_len and ci_function.max_len < seq_len:
        raise KeyPathError(
            ("ci_function", "max_len"),
            f"max_len ({ci_function.max_len}) is shorter than data.{data.kind}.seq_len ({seq_len})",
        )


def check_adversary_sources(
    losses: Losses, n_sources: int | None, training: Training, eval_batch_size: int
) -> None:
    if losses.ppgd_recon is None or n_sources is None:
        return
    for name, size in (
        ("training.batch_size", training.batch_size),
        ("logging.eval_batch_size", eval_batch_size),
    ):
        if size % n_sources:
            raise KeyPathError(
                ("adversary", "persistent", "n_sources"),
                f"n_sources ({n_sources}) must divide {name} ({size})",
            )


def check_analysis(
    analysis: Analysis, target: Target, data: Data, modules: Sequence[ModuleSpec]
) -> None:
    if analysis.prompts or analysis.interventions:
        _check_prompts_possible(target, data)
    for path, text in _subcomponent_refs(analysis):
        _check_ref(path, text, modules)


def _check_prompts_possible(target: Target, data: Data) -> None:
    if target.is_toy:
        raise KeyPathError(
            ("analysis",),
            f"prompts need a language model; the toy target {target.builtin} reads feature vectors",
        )
    if data.tokens is not None and data.tokens.tokenizer is None and target.huggingface is None:
        raise KeyPathError(
            ("data", "tokens"), "analysis prompts need a tokenizer: set data.tokens.tokenizer"
        )


def _subcomponent_refs(analysis: Analysis) -> Iterator[tuple[KeyPath, str]]:
    for index, text in enumerate(analysis.components):
        yield ("analysis", "components", index), text
    for index, intervention in enumerate(analysis.interventions):
        key = "keep" if intervention.keep is not None else "ablate"
        for position, text in enumerate(intervention.keep or intervention.ablate or ()):
            yield ("analysis", "interventions", index, key, position), text


def _check_ref(path: KeyPath, text: str, modules: Sequence[ModuleSpec]) -> None:
    """Full IDs must name a decomposed module and an index below its C.

    Short names (`2.mlp.down:5`) map to modules only through the target's architecture, which
    is known once the model is built, so only their grammar is checked here.
    """
    if text.split(".", 1)[0].isdigit():
        try:
            parse_short_subcomponent_id(text)
        except ValueError as error:
            raise KeyPathError(path, str(error)) from None
        return
    ref = parse_subcomponent_id(text)
    spec = next((m for m in modules if fnmatchcase(ref.module, m.pattern)), None)
    if spec is None:
        patterns = ", ".join(m.pattern for m in modules)
        raise KeyPathError(
            path, f"module {ref.module!r} is not decomposed: it matches none of {patterns}"
        )
    if ref.index >= spec.C:
        raise KeyPathError(
            path,
            f"index {ref.index} is out of range: {spec.pattern!r} has C = {spec.C} "
            f"(indices 0–{spec.C - 1})",
        )
