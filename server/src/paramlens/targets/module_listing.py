"""Every module of a target that holds parameters, with its shape and where its code defines it.

The listing answers `POST /modules` and `paramlens modules`, and is written into each run
directory as `modules.json`, so the language server can complete module paths and jump to
their definitions without a running server.
"""

import ast
import inspect
import textwrap
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from torch import nn

from paramlens.decomp.module_kinds import linear_weight, module_kind
from paramlens.runs.atomic import atomic_write_bytes
from paramlens.targets.builtins import get_builtin, seeded_model
from paramlens.targets.registry import BuiltinTarget, HFTarget, TargetSpec, load_target

MODULES_FILE = "modules.json"


class SourceLocation(BaseModel):
    """A place in a Python source file."""

    file: str = Field(description="Absolute path of the source file.")
    line: int = Field(description="1-based line number.")


class ListedModule(BaseModel):
    """One module of the target that holds parameters (directly or in its children)."""

    path: str = Field(description="Name from `model.named_modules()`, e.g. `h.0.attn.q_proj`.")
    type: str = Field(description="Class name of the module, e.g. `Linear`.")
    kind: Literal["linear", "conv1d", "embedding"] | None = Field(
        description="How the module is decomposed; null when it cannot be decomposed."
    )
    weight_shape: list[int] | None = Field(
        description="Shape of the module's own `weight` parameter; null when it has none."
    )
    d_in: int | None = Field(
        description="Input dimension of a decomposable module (vocabulary size for embeddings)."
    )
    d_out: int | None = Field(description="Output dimension of a decomposable module.")
    source: SourceLocation | None = Field(
        description="Where the module is defined: the line assigning it in its parent's class, "
        "else its own class definition; null when the source cannot be found."
    )
    matched_by: str | None = Field(
        description="The config's module pattern that matches this path; null when none does."
    )
    C: int | None = Field(description="Subcomponents the matching pattern asks for.")


class ModuleListing(BaseModel):
    """The modules of a config's target (`modules.json` in a run directory)."""

    format_version: Literal[1] = Field(default=1, description="Version of this format.")
    target: dict[str, Any] = Field(description="What the target is: source, name or path.")
    modules: list[ListedModule] = Field(description="Modules in `named_modules()` order.")


def list_modules(model: nn.Module, patterns: Sequence[tuple[str, int]]) -> list[ListedModule]:
    """Every named module of `model` with parameters, matched against (pattern, C) pairs."""
    named = dict(model.named_modules())
    listed = []
    for path, module in named.items():
        if not path or next(module.parameters(), None) is None:
            continue
        kind = module_kind(module)
        d_out, d_in = linear_weight(module).shape if kind is not None else (None, None)
        weight = module._parameters.get("weight")
        match = next(((p, C) for p, C in patterns if fnmatchcase(path, p)), None)
        listed.append(
            ListedModule(
                path=path,
                type=type(module).__name__,
                kind=kind,
                weight_shape=None if weight is None else list(weight.shape),
                d_in=d_in,
                d_out=d_out,
                source=_definition(path, named),
                matched_by=None if match is None else match[0],
                C=None if match is None else match[1],
            )
        )
    return listed


def listing_for(spec: TargetSpec, patterns: Sequence[tuple[str, int]]) -> ModuleListing:
    """The listing of the target `spec` names, built without training anything."""
    return ModuleListing(target=describe_spec(spec), modules=list_modules(_model(spec), patterns))


def write_module_listing(
    run_dir: Path, model: nn.Module, patterns: Sequence[tuple[str, int]], target: Mapping[str, Any]
) -> None:
    """Write `modules.json` into `run_dir` (atomically)."""
    listing = ModuleListing(target=dict(target), modules=list_modules(model, patterns))
    atomic_write_bytes(run_dir / MODULES_FILE, listing.model_dump_json(indent=2).encode())


def describe_spec(spec: TargetSpec) -> dict[str, Any]:
    """What the target is, in the keys a run's manifest uses for it."""
    if isinstance(spec, BuiltinTarget):
        return {"source": "builtin", "name": spec.name, "seed": spec.seed}
    if isinstance(spec, HFTarget):
        return {"source": "hf", "model_dir": str(spec.model_dir)}
    return {"source": "custom", "class_path": spec.class_path, "weights": str(spec.weights)}


def _model(spec: TargetSpec) -> nn.Module:
    # A built-in's layout does not depend on its weights, so it is built untrained: listing
    # modules never waits for a training run.
    if isinstance(spec, BuiltinTarget):
        return seeded_model(get_builtin(spec.name).arch, spec.seed)
    return load_target(spec, progress=False).model


def _definition(path: str, named: Mapping[str, nn.Module]) -> SourceLocation | None:
    """The line assigning the module in its parent's class; else its own class, when that is
    not torch's; else where its container is defined (children of an `nn.ModuleList`)."""
    parent_path, _, attribute = path.rpartition(".")
    for cls in type(named[parent_path]).__mro__:
        line = _assignment_lines(cls).get(attribute)
        if line is not None:
            file = _source_file(cls)
            assert file is not None, "a class with parsed source has a source file"
            return SourceLocation(file=file, line=line)
    own = type(named[path])
    if not own.__module__.startswith("torch."):
        found = _class_line(own)
        if found is not None:
            return found
    return _definition(parent_path, named) if parent_path else None


def _source_file(cls: type) -> str | None:
    try:
        file = inspect.getsourcefile(cls)
    except TypeError:  # built-in classes have no source file
        return None
    return None if file is None else str(Path(file).resolve())


def _class_line(cls: type) -> SourceLocation | None:
    file = _source_file(cls)
    if file is None:
        return None
    try:
        _, line = inspect.getsourcelines(cls)
    except (OSError, TypeError):
        return None
    return SourceLocation(file=file, line=line)


@cache
def _assignment_lines(cls: type) -> dict[str, int]:
    """Attribute name -> first line (in the file) of `self.<name> = ...` or
    `self.add_module("<name>", ...)` in the body of `cls`; empty when its source is unknown."""
    if cls.__module__.startswith("torch.") or cls is object or _source_file(cls) is None:
        return {}
    try:
        lines, start = inspect.getsourcelines(cls)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError):
        return {}
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt | ast.expr):
            continue
        for name in _assigned_names(node):
            line = start + node.lineno - 1
            found[name] = min(line, found.get(name, line))
    return found


def _assigned_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Assign):
        targets = [
            element
            for target in node.targets
            for element in (target.elts if isinstance(target, ast.Tuple) else [target])
        ]
        return [name for target in targets if (name := _self_attribute(target)) is not None]
    if isinstance(node, ast.AnnAssign):
        name = _self_attribute(node.target)
        return [] if name is None else [name]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("add_module", "register_module")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return [node.args[0].value]
    return []


def _self_attribute(target: ast.expr) -> str | None:
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    ):
        return target.attr
    return None
