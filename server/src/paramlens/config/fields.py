"""Walk the config models along a key path: which keys a place allows, and what each means.

Used to suggest the key a typo meant and to explain a missing one. Pydantic's error
locations also carry the tag of a discriminated union (`ci_function.mlp.hidden_dims`);
`clean_location` drops those so that locations are key paths into the file.
"""

import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from paramlens.config.model import DecompositionConfig
from paramlens.config.sections.base import KeyPath


@dataclass(frozen=True)
class Place:
    """The model found at a key path (None if the path leads out of the models)."""

    model: type[BaseModel] | None

    def keys(self) -> dict[str, FieldInfo]:
        """Allowed keys by the name used in files (the alias where there is one)."""
        if self.model is None:
            return {}
        return {info.alias or name: info for name, info in self.model.model_fields.items()}


def _members(annotation: object) -> list[object]:
    """The non-null alternatives of an annotation, with Annotated wrappers removed."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        return [m for arg in get_args(annotation) for m in _members(arg) if m is not type(None)]
    return [annotation]


def _model_of(annotation: object, node: object) -> type[BaseModel] | None:
    """The model an annotation stands for; a union of models is resolved by `type`."""
    models = [m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
    if len(models) == 1:
        return models[0]
    tag = node.get("type") if isinstance(node, Mapping) else None
    return next((m for m in models if tag in _type_tags(m)), None)


def _type_tags(model: type[BaseModel]) -> tuple[object, ...]:
    info = model.model_fields.get("type")
    if info is None or get_origin(info.annotation) is not Literal:
        return ()
    return get_args(info.annotation)


def _item_of(annotation: object) -> object | None:
    for member in _members(annotation):
        if get_origin(member) in (tuple, list):
            args = get_args(member)
            return args[0] if args else None
    return None


def _child(node: object, part: str | int) -> object:
    if isinstance(node, Mapping):
        return node.get(part)
    if isinstance(node, Sequence) and not isinstance(node, str) and isinstance(part, int):
        return node[part] if 0 <= part < len(node) else None
    return None


def _is_tag(annotation: object, part: str | int) -> bool:
    models = [m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
    return len(models) > 1 and any(part in _type_tags(m) for m in models)


def clean_location(location: Sequence[str | int], data: object) -> tuple[KeyPath, Place]:
    """The key path of a pydantic error location, and the model at its parent.

    `data` is the validated input, after presets were applied.
    """
    annotation: object = DecompositionConfig
    node = data
    path: list[str | int] = []
    parent = Place(DecompositionConfig)
    for part in location:
        if _is_tag(annotation, part):
            continue
        model = _model_of(annotation, node)
        parent = Place(model)
        path.append(part)
        if model is not None:
            info = Place(model).keys().get(str(part))
            annotation = info.annotation if info is not None else None
        else:
            annotation = _item_of(annotation) if isinstance(part, int) else None
        node = _child(node, part)
    return tuple(path), parent
