"""Decomposition configs: the native `*.decomp.yaml` format, its loader, and the translation
of the reference implementation's format.

    loaded = load_config(Path("examples/tms_5-2.decomp.yaml"))
    loaded.config.training.steps
"""

from paramlens.config.counts import ComponentCounts, count_components
from paramlens.config.errors import ConfigError, ConfigValidationError
from paramlens.config.load import load_config, load_config_text
from paramlens.config.loaded import LoadedConfig
from paramlens.config.model import DecompositionConfig

__all__ = [
    "ComponentCounts",
    "ConfigError",
    "ConfigValidationError",
    "DecompositionConfig",
    "LoadedConfig",
    "count_components",
    "load_config",
    "load_config_text",
]
