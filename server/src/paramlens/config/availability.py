"""Check that what a config names is there: its files, and a custom target's package.

A config stays valid when something is missing (it may be created later, or on the GPU
machine), so these are warnings for `validate`; a run refuses to start while any remain.
"""

import glob
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

from paramlens.config.model import DecompositionConfig
from paramlens.config.sections.base import KeyPath

Finding = tuple[KeyPath, str]


def unavailable(config: DecompositionConfig, base_dir: Path) -> list[Finding]:
    """What `config` needs and cannot find; its relative paths start at `base_dir`."""
    return list(_target_findings(config, base_dir)) + list(_data_findings(config, base_dir))


def _target_findings(config: DecompositionConfig, base_dir: Path) -> Iterator[Finding]:
    target = config.target
    if target.huggingface is not None:
        directory = base_dir / target.huggingface.path
        if not (directory / "config.json").is_file():
            yield (
                ("target", "huggingface", "path"),
                f"{_shown(directory)} is not a directory with a config.json; "
                "save the model there with save_pretrained",
            )
    if target.custom is not None:
        package = target.custom.class_path.split(".", 1)[0].split(":", 1)[0]
        # A run imports the class from the config's folder too (paramlens.targets.custom).
        beside = (base_dir / package).is_dir() or (base_dir / f"{package}.py").is_file()
        if importlib.util.find_spec(package) is None and not beside:
            yield (
                ("target", "custom", "class"),
                f"package {package!r} is neither installed in this Python environment nor "
                "beside the config; install it or name a class that is",
            )
        yield from _file(
            ("target", "custom", "weights"), target.custom.weights, base_dir, (".safetensors",)
        )


def _data_findings(config: DecompositionConfig, base_dir: Path) -> Iterator[Finding]:
    data = config.data
    if data.text is not None:
        yield from _files(("data", "text", "train"), data.text.train, base_dir, (".txt", ".jsonl"))
        if data.text.eval is not None:
            yield from _files(
                ("data", "text", "eval"), data.text.eval, base_dir, (".txt", ".jsonl")
            )
        yield from _file(("data", "text", "tokenizer"), data.text.tokenizer, base_dir, (".json",))
    if data.tokens is not None:
        yield from _files(("data", "tokens", "train"), data.tokens.train, base_dir, (".npy",))
        if data.tokens.eval is not None:
            yield from _files(("data", "tokens", "eval"), data.tokens.eval, base_dir, (".npy",))
        if data.tokens.tokenizer is not None:
            yield from _file(
                ("data", "tokens", "tokenizer"), data.tokens.tokenizer, base_dir, (".json",)
            )


def _files(
    path: KeyPath, patterns: tuple[str, ...], base_dir: Path, suffixes: tuple[str, ...]
) -> Iterator[Finding]:
    for index, pattern in enumerate(patterns):
        matches = glob.glob(os.path.join(base_dir, pattern))
        if not matches:
            yield (*path, index), f"no file matches {pattern!r} (looked in {_shown(base_dir)})"
        for match in matches:
            if not match.endswith(suffixes):
                yield (*path, index), f"{_shown(Path(match))} is not a {' or '.join(suffixes)} file"


def _file(path: KeyPath, name: str, base_dir: Path, suffixes: tuple[str, ...]) -> Iterator[Finding]:
    file = base_dir / name
    if not name.endswith(suffixes):
        yield path, f"expected a {' or '.join(suffixes)} file, got {name!r}"
    elif not file.is_file():
        yield path, f"{_shown(file)} does not exist"


def _shown(path: Path) -> str:
    return os.path.normpath(path)
