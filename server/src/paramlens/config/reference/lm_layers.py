"""How many blocks a reference config's language model has, for counting C before it is built.

The file never states it directly; the reference names its LM experiments by depth
(`pile_llama_simple_mlp-4L.yaml`) and lists per-layer paths (`h.3.*`) in metric groups.
"""

import re
from collections.abc import Iterator, Mapping

_DEPTH_IN_NAME = re.compile(r"(\d+)L\b")
_LAYER_IN_PATH = re.compile(r"(?:^|\.)(?:h|layers|blocks|layer)\.(\d+)(?:\.|$)")


def lm_layer_count(raw: Mapping[str, object], file_name: str) -> int | None:
    match = _DEPTH_IN_NAME.search(file_name)
    if match is not None:
        return int(match.group(1))
    layers = [int(m.group(1)) for text in _strings(raw) for m in _LAYER_IN_PATH.finditer(text)]
    return max(layers) + 1 if layers else None


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
