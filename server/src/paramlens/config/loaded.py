"""The result of loading a config file."""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from paramlens.config.counts import ComponentCounts
from paramlens.config.errors import ConfigError, ConfigValidationError
from paramlens.config.model import DecompositionConfig

SourceFormat = Literal["native", "reference"]


@dataclass(frozen=True)
class LoadedConfig:
    """A valid config and what was learned while loading it.

    `notes` are informational (e.g. reference keys that were ignored, toy models trained
    locally instead of downloaded). `warnings` leave the config valid but block running it
    until fixed: a missing local file, or a hub model or dataset that needs a local copy.
    `counts` is None when the target's module names are only known once it is built.
    """

    config: DecompositionConfig
    source: str
    source_format: SourceFormat
    base_dir: Path
    notes: tuple[str, ...]
    warnings: tuple[ConfigError, ...]
    counts: ComponentCounts | None

    def check_runnable(self) -> None:
        """Raise ConfigValidationError listing the warnings, as a run must not start with any."""
        if self.warnings:
            raise ConfigValidationError(self.source, self.warnings)
