"""What a harvest reads and keeps: the caller's options, and the settings resolved from them."""

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from paramlens.analysis.inputs import InputKind

DEFAULT_TOKENS = 2_000_000  # tokens, or samples for toy targets; capped at one pass over the data
DEFAULT_BATCH_SIZE: dict[InputKind, int] = {"tokens": 32, "features": 1024}
DEFAULT_TOP_K = 30
DEFAULT_CONTEXT = 20
DEFAULT_CI_THRESHOLD = 0.1
DEFAULT_COMMIT_EVERY = 50


@dataclass(frozen=True)
class HarvestOptions:
    """A harvest as asked for. None means the default or, when an interrupted harvest of the
    run is being continued, the value that harvest used."""

    tokens: int | None = None  # tokens (samples for toy targets) to read; or:
    batches: int | None = None  # batches to read
    batch_size: int | None = None  # sequences (samples) per batch
    top_k: int | None = None  # examples kept per subcomponent
    context: int | None = None  # tokens kept on each side of an example's marked token
    ci_threshold: float | None = None  # a subcomponent fires where its CI is above this
    device: str | None = None  # cpu, cuda, cuda:N, auto; None: the run's
    force: bool = False  # start over, discarding an unfinished or finished harvest
    commit_every: int = DEFAULT_COMMIT_EVERY  # batches between saves of the resumable state
    stop_after_batches: int | None = None  # stop when exactly this many are done (state saved)
    progress: bool = False  # a tqdm bar on stderr

    def __post_init__(self) -> None:
        if self.tokens is not None and self.batches is not None:
            raise ValueError("give a number of tokens or of batches, not both")
        for name in ("tokens", "batches", "batch_size", "top_k", "commit_every"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value}")
        if self.context is not None and self.context < 0:
            raise ValueError(f"context must be zero or more tokens, got {self.context}")
        if self.ci_threshold is not None and not 0.0 <= self.ci_threshold < 1.0:
            raise ValueError(f"ci_threshold must be in [0, 1), got {self.ci_threshold}")
        if self.stop_after_batches is not None and self.stop_after_batches < 0:
            raise ValueError(f"stop_after_batches must be >= 0, got {self.stop_after_batches}")


@dataclass(frozen=True)
class HarvestSettings:
    """The values a harvest runs with; an interrupted harvest continues only with the same."""

    input_kind: InputKind
    batch_size: int
    n_batches: int
    top_k: int
    context: int
    ci_threshold: float

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> "HarvestSettings":
        return cls(**value)


def resolve_settings(
    options: HarvestOptions,
    input_kind: InputKind,
    positions: int,
    n_sequences: int | None,
    previous: HarvestSettings | None,
) -> HarvestSettings:
    """Fill in defaults (or the interrupted harvest's values) and cap the length at one pass
    over the `n_sequences` training sequences (None: an endless synthetic stream) of
    `positions` tokens each. Raises ValueError when an explicit option contradicts `previous`."""

    def pick(given: Any, name: str, default: Any) -> Any:
        if given is not None:
            return given
        return getattr(previous, name) if previous is not None else default

    batch_size: int = pick(options.batch_size, "batch_size", DEFAULT_BATCH_SIZE[input_kind])
    if options.batches is not None:
        n_batches = options.batches
    elif options.tokens is not None:
        n_batches = math.ceil(options.tokens / (batch_size * positions))
    elif previous is not None:
        n_batches = previous.n_batches
    else:
        n_batches = math.ceil(DEFAULT_TOKENS / (batch_size * positions))
    if n_sequences is not None:
        if n_sequences < batch_size:
            raise ValueError(
                f"the training split holds {n_sequences} sequences, fewer than the batch size "
                f"{batch_size}; give a smaller batch size"
            )
        n_batches = min(n_batches, n_sequences // batch_size)
    settings = HarvestSettings(
        input_kind=input_kind,
        batch_size=batch_size,
        n_batches=n_batches,
        top_k=pick(options.top_k, "top_k", DEFAULT_TOP_K),
        context=pick(options.context, "context", DEFAULT_CONTEXT),
        ci_threshold=pick(options.ci_threshold, "ci_threshold", DEFAULT_CI_THRESHOLD),
    )
    if previous is not None and settings != previous:
        changed = ", ".join(
            f"{name} {getattr(previous, name)} (now {getattr(settings, name)})"
            for name in previous.as_json()
            if getattr(previous, name) != getattr(settings, name)
        )
        raise ValueError(
            f"an unfinished harvest of this run used {changed}; run again without those "
            "options (or with its values) to continue it, or with --force to start over"
        )
    return settings
