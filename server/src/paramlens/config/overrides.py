"""A config with command-line overrides applied, checked as if the file had said so."""

from paramlens.config.model import DecompositionConfig


def with_overrides(
    config: DecompositionConfig, steps: int | None = None, device: str | None = None
) -> DecompositionConfig:
    """`config` with `training.steps` and `training.device` replaced where given (CLI flags)."""
    changes: dict[str, object] = {}
    if steps is not None:
        if steps < 1:
            raise ValueError(f"steps must be positive, got {steps}")
        changes["steps"] = steps
    if device is not None:
        changes["device"] = device
    training = config.training.model_copy(update=changes)
    # Re-validated so that an override gets the same checks as the file's own value.
    return DecompositionConfig.model_validate(
        config.model_copy(update={"training": training}).model_dump(mode="json", by_alias=True)
    )
