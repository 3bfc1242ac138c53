"""Reading the YAML files users write, safely: size, alias and node limits, no duplicate keys.

PyYAML's safe loader never runs code, but it will happily build a "billion laughs" document
(aliases of aliases) whose expansion exhausts memory later, and it silently keeps the last of
two duplicate keys. Both are refused here, with the file position, before anything else runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 1_048_576
MAX_ALIASES = 64
MAX_NODES = 100_000
MAX_DEPTH = 64


class DocumentError(Exception):
    """The file cannot be read as a document; `pointer` says where, when known."""

    def __init__(self, reason: str, pointer: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.pointer = pointer


@dataclass(frozen=True)
class Violation:
    """One problem: where (a JSON pointer into the document) and why, in plain words."""

    pointer: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.pointer, "reason": self.reason}


def pointer(*parts: str | int) -> str:
    """JSON pointer (RFC 6901) from path parts."""
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    return "".join("/" + part for part in escaped)


class _Loader(yaml.SafeLoader):
    """SafeLoader that counts aliases as they are composed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise DocumentError(
                    f"more than {MAX_ALIASES} YAML aliases (line {mark.line + 1}): refused"
                )
        return super().compose_node(parent, index)


def _measure(node: Node, path: tuple[str | int, ...], budget: list[int]) -> None:
    """Walk the node graph as it would expand (aliases counted each time they are used)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise DocumentError(f"the document expands to more than {MAX_NODES} nodes: refused")
    if len(path) > MAX_DEPTH:
        raise DocumentError(f"nested deeper than {MAX_DEPTH} levels", pointer(*path))
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _measure(item, (*path, index), budget)
    elif isinstance(node, MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else repr(key_node)
            if key in seen:
                raise DocumentError(
                    f"duplicate key {key!r} (lines {seen[key] + 1} and "
                    f"{key_node.start_mark.line + 1})",
                    pointer(*path),
                )
            seen[key] = key_node.start_mark.line
            _measure(value_node, (*path, str(key)), budget)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document within the limits above."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise DocumentError(f"larger than {MAX_BYTES} bytes: refused")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DocumentError("the file is empty")
        _measure(node, (), [MAX_NODES])
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise DocumentError(f"not valid YAML: {error}".replace("\n", " ")) from None
    finally:
        loader.dispose()


def load_mapping(text: str) -> dict[str, Any]:
    """A YAML document that must be a mapping (every COE file is one)."""
    document = parse_yaml(text)
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "nothing"
        raise DocumentError(f"the document must be a mapping of fields, not {kind}")
    if any(not isinstance(key, str) for key in document):
        raise DocumentError("every field name must be a string")
    return document


def read_mapping(path: Path) -> dict[str, Any]:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DocumentError(f"larger than {MAX_BYTES} bytes ({size}): refused")
    return load_mapping(path.read_text(encoding="utf-8"))


def yaml_files(paths: list[Path]) -> list[Path]:
    """Files given, and every *.yaml / *.yml under folders given, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            found.append(path)
    return found
